/**
 * The packages in headless Chromium: `page/checks.ts`, bundled for the browser, runs the tokenizer
 * fixtures, tensor-gpu's conformance suite, the CPU backend (WebAssembly kernels on one thread, and
 * on worker threads in the cross-origin-isolated page) and WebGPU (SwiftShader) against the
 * PyTorch/HF references. Without Chromium the suite is skipped visibly; under CI=true it fails
 * (`test:all` installs Chromium through `scripts/system-deps.sh`).
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../page/checks.js';
import { bundleFileForBrowser } from '../src/bundle.js';
import { findChromium, launchChromium } from '../src/chromium.js';
import { type StaticServer, serve } from '../src/server.js';

const executable = findChromium();
const ci = process.env.CI === 'true';

const CHECKS = [
  'tokenizer fixtures',
  'cpu backend (1 thread): matmul',
  'cpu backend (1 thread): tensor-gpu conformance suite',
  'cpu backend (1 thread): gpt2-tiny logits and loss',
  'cpu backend (1 thread): llama-tiny logits and loss',
  'cpu backend (2 threads, cross-origin isolated): gpt2-tiny logits and loss',
  'webgpu: matmul',
  'webgpu: tensor-gpu conformance suite',
  'webgpu: gpt2-tiny logits and loss',
];

describe.skipIf(!executable && !ci)('in headless Chromium', () => {
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  let results: CheckResult[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!executable) {
      throw new Error(
        'CI=true but no Chromium (scripts/system-deps.sh installs it; or set LLMFORGE_CHROMIUM to its path)',
      );
    }
    const js = await bundleFileForBrowser(fileURLToPath(new URL('../page/checks.ts', import.meta.url)));
    server = await serve(
      {
        '/': '<!doctype html><meta charset="utf-8"><title>llmforge checks</title><script type="module" src="/checks.js"></script>',
        '/checks.js': js,
        '/favicon.ico': new Uint8Array(0),
      },
      { '/fixtures/': fileURLToPath(new URL('../../fixtures/', import.meta.url)) },
    );
    browser = await launchChromium(executable);
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => 'llmforgeResults' in globalThis, undefined, { timeout: 60_000 });
    results = await page.evaluate(
      () => (globalThis as unknown as { llmforgeResults: Promise<CheckResult[]> }).llmforgeResults,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the page ran every check, with no uncaught error', () => {
    expect(pageErrors).toEqual([]);
    expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(CHECKS));
  });

  for (const name of CHECKS) {
    it(name, (ctx) => {
      const r = results.find((x) => x.name === name);
      expect(r, `no result for ${name}`).toBeDefined();
      if (r!.status === 'skip' && !ci) ctx.skip(r!.detail);
      expect(r!.status, r!.detail).toBe('pass');
      console.info(`${name}: ${r!.detail}`);
    });
  }
});
