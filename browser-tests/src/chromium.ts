/**
 * Headless Chromium through playwright-core, with no browser download: Debian's `chromium` package
 * (`/usr/bin/chromium`, or `$LLMFORGE_CHROMIUM`). WebGPU runs on SwiftShader, so a machine without a
 * GPU still has an adapter (compute shaders correct, no `shader-f16`).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where the Chromium binary is, or undefined when there is none. */
export function findChromium(): string | undefined {
  const candidates = [process.env.LLMFORGE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

/** Launches headless Chromium with WebGPU on SwiftShader. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
}
