/**
 * Bundle sizes of each package's main entry for the browser: esbuild, ESM, minified, then gzip
 * (level 9). Each figure includes what the package imports (transformer includes tensor-gpu and
 * errors), which is what an application that imports only that package ships.
 *
 *   pnpm --filter @llmforge/browser-tests sizes
 *
 * prints a Markdown table (the one in the root README).
 */
import { gzipSync } from 'node:zlib';
import { bundleForBrowser } from '../src/bundle.js';

const PACKAGES = ['errors', 'tensor-gpu', 'tokenizer', 'transformer', 'sampler', 'trainer', 'sft-rlhf'];

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

const rows: string[] = [];
for (const name of PACKAGES) {
  const js = await bundleForBrowser(`export * from '@llmforge/${name}';`, { minify: true });
  const bytes = new TextEncoder().encode(js);
  rows.push(`| \`@llmforge/${name}\` | ${kb(bytes.length)} | ${kb(gzipSync(bytes, { level: 9 }).length)} |`);
}
process.stdout.write(
  ['| main entry (with its dependencies) | minified | gzip |', '|---|---:|---:|', ...rows, ''].join('\n'),
);
