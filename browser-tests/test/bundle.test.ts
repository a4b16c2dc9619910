/**
 * Every package's main entry bundles for the browser with no configuration: esbuild with
 * `--platform=browser`, Vite's production build and webpack 5 (`target: 'web'`, which has no Node
 * polyfills) all succeed (a `node:*` import anywhere in the
 * graph would stop them), while the `/node` entries, which do read files, do not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as viteBuild } from 'vite';
import { describe, expect, it } from 'vitest';
import webpack from 'webpack';
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

describe('webpack 5 production build', () => {
  it('an application importing every main entry builds for target web', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'llmforge-webpack-'));
    try {
      const entry = join(dir, 'entry.js');
      writeFileSync(entry, PACKAGES.map((p, i) => `export * as p${i} from '@llmforge/${p}';`).join('\n'));
      const compiler = webpack({
        mode: 'production',
        target: 'web',
        context: root,
        entry,
        output: { path: join(dir, 'out'), filename: 'app.js', library: { type: 'module' } },
        experiments: { outputModule: true },
        performance: { hints: false },
        resolve: {
          modules: [join(root, 'node_modules'), 'node_modules'],
          // the workspace packages' TypeScript source (the built dist resolves the same way)
          conditionNames: ['@llmforge/source', 'browser', 'import', 'module', 'default'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        },
        module: { rules: [{ test: /\.ts$/, loader: 'esbuild-loader', options: { target: 'es2022' } }] },
      });
      const stats = await new Promise<webpack.Stats>((resolve, reject) =>
        compiler.run((err, s) => (err || !s ? reject(err) : resolve(s))),
      );
      await new Promise<void>((resolve) => compiler.close(() => resolve()));
      const { errors = [] } = stats.toJson({ all: false, errors: true });
      expect(errors.map((e) => e.message)).toEqual([]);
      const js = readFileSync(join(dir, 'out', 'app.js'), 'utf8');
      expect(js.length).toBeGreaterThan(100_000);
      expect(js).not.toMatch(/from\s*["']node:|import\(\s*["']node:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
