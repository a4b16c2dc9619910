#!/usr/bin/env bash
# Installs the system libraries the test suite needs and npm cannot provide, when they are missing:
#   - Mesa's EGL/GL (llvmpipe): Dawn's WebGPU adapter on machines without a GPU (Dawn -> OpenGL -> Mesa);
#   - Debian's Chromium: the browser suites run in it headless (WebGPU on SwiftShader).
# It only acts where it can (Debian/Ubuntu with apt-get, as root or with sudo); elsewhere it says what
# is missing and goes on: the suites that need it are then skipped visibly, and fail under CI=true.
# Set LLMFORGE_SYSTEM_DEPS=skip to leave the system untouched.
set -euo pipefail

if [ "${LLMFORGE_SYSTEM_DEPS:-}" = "skip" ]; then
  echo "system-deps: LLMFORGE_SYSTEM_DEPS=skip, not checking Mesa or Chromium"
  exit 0
fi

missing=()
if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q 'libEGL_mesa.so'; then
  missing+=(libegl1 libegl-mesa0 libgl1-mesa-dri)
fi
if ! command -v chromium >/dev/null 2>&1 && [ -z "${LLMFORGE_CHROMIUM:-}" ]; then
  missing+=(chromium)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system-deps: Mesa EGL/GL and Chromium present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "system-deps: missing ${missing[*]} and not root: install them with apt-get (the suites that need them are skipped, and fail under CI=true)" >&2
    exit 0
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${missing[*]} and no apt-get here: install the equivalents by hand (the suites that need them are skipped, and fail under CI=true)" >&2
  exit 0
fi

echo "system-deps: installing ${missing[*]} with apt-get (once; Chromium is ~350 MB)"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
echo "system-deps: done"
