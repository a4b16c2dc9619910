/**
 * Every package's main entry bundles for the browser with no configuration: esbuild with
 * `--platform=browser` and Vite's production build both succeed (a `node:*` import anywhere in the
 * graph would stop them), while the `/node` entries, which do read files, do not.
 */
import { build as viteBuild } from 'vite';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../src/bundle.js';

const PACKAGES = ['errors', 'tensor-gpu', 'tokenizer', 'transformer', 'sampler', 'trainer', 'sft-rlhf'];

describe('esbuild --platform=browser', () => {
  for (const name of PACKAGES) {
    it(`@llmforge/${name} bundles, with no node: import left in it`, async () => {
      // minified, so what is left is code (no doc comment mentioning node:fs)
      const js = await bundleForBrowser(`export * from '@llmforge/${name}';`, { minify: true });
      expect(js.length).toBeGreaterThan(0);
      expect(js).not.toMatch(/from\s*["']node:|import\(\s*["'](node:)?(fs|path|os|crypto|worker_threads)/);
    });
  }

  for (const name of ['tensor-gpu', 'tokenizer', 'transformer', 'trainer']) {
    it(`@llmforge/${name}/node is the entry that needs Node (it does not bundle for a browser)`, async () => {
      await expect(bundleForBrowser(`export * from '@llmforge/${name}/node';`)).rejects.toThrow(
        /node:|"fs|"path|"url|"os|webgpu/,
      );
    });
  }
});

describe('Vite production build', () => {
  it('an application importing every main entry builds', async () => {
    const entry = PACKAGES.map((p, i) => `export * as p${i} from '@llmforge/${p}';`).join('\n');
    const output = await viteBuild({
      configFile: false,
      logLevel: 'silent',
      root: new URL('..', import.meta.url).pathname,
      resolve: { conditions: ['@llmforge/source', 'browser', 'module', 'import', 'default'] },
      plugins: [
        {
          name: 'virtual-entry',
          enforce: 'pre',
          resolveId: (id) => (id.endsWith('virtual-entry.js') ? '\0virtual-entry.js' : undefined),
          load: (id) => (id === '\0virtual-entry.js' ? entry : undefined),
        },
      ],
      build: {
        write: false,
        minify: true,
        lib: { entry: 'virtual-entry.js', formats: ['es'], fileName: 'app' },
      },
    });
    const outputs = (Array.isArray(output) ? output : [output]) as {
      output: { type: string; code?: string }[];
    }[];
    const chunks = outputs.flatMap((o) => o.output).filter((c) => c.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(0);
    // a static or dynamic import of a node: module (Vite's library build keeps doc comments, which
    // mention node:fs in examples, so only statements count)
    const nodeImport = /(?:^|[;}\n])\s*(?:import|export)\s[^\n*]*?from\s*["']node:|import\(\s*["']node:/;
    for (const c of chunks) expect(c.code).not.toMatch(nodeImport);
  });
});
