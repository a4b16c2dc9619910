/**
 * What the end-to-end tests need: the page built by Vite, served from 127.0.0.1 with the COOP/COEP
 * headers (`vite preview`), and Debian's Chromium driven by playwright-core.
 *
 * WebGPU in headless Chromium without a GPU: `--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader`
 * gives a SwiftShader adapter (compute shaders, no `shader-f16`) on a page served from 127.0.0.1 (a
 * secure context). Launched without those flags, Chromium on Linux has `navigator.gpu` but no adapter:
 * the page's fallback to the CPU backend.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';

/** The browser: `LLMFORGE_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM = process.env.LLMFORGE_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

const CONFIG = fileURLToPath(new URL('../vite.config.ts', import.meta.url));

const COMMON_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

/** Builds the page into a temporary folder and serves it; `close()` stops the server and deletes it. */
export async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const outDir = await mkdtemp(join(tmpdir(), 'llmforge-page-'));
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server: PreviewServer = await preview({
    configFile: CONFIG,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no local URL');
  return {
    url,
    async close() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium, with a SwiftShader WebGPU adapter or with no adapter at all. */
export function launch(webgpu: boolean): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...COMMON_FLAGS, ...(webgpu ? WEBGPU_FLAGS : [])],
  });
}

/** Where the test run saves its screenshots (git-ignored). */
export const SHOTS = fileURLToPath(new URL('../test-output/screenshots/', import.meta.url));
