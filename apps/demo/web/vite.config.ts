/**
 * The page's build and dev server.
 *
 * - Workspace packages resolve to their TypeScript source (the `@llmforge/source` export condition),
 *   as in the tests: no package build is needed and the page always runs the current code.
 * - The dev server and `vite preview` send COOP/COEP headers, so the page is cross-origin isolated:
 *   `SharedArrayBuffer` exists and the CPU backend runs its WebAssembly kernels on several threads.
 * - Workers are ES modules (they import the packages like the page does).
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    conditions: ['@llmforge/source', ...defaultClientConditions],
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
