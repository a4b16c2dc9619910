/**
 * Browser bundles with esbuild, the way an application would build them: `platform: 'browser'`, no
 * externals, no polyfills. Workspace packages resolve to their TypeScript source (the
 * `@llmforge/source` condition) so no build is needed first; `conditions: []` resolves the built
 * `dist` instead, which is what users get from npm.
 */
import { build } from 'esbuild';

/** Options of {@link bundleForBrowser}. */
export interface BrowserBundleOptions {
  /** Minify (default false). */
  minify?: boolean;
  /** Export conditions beyond esbuild's browser defaults (default `['@llmforge/source']`). */
  conditions?: string[];
  /** The directory imports are resolved from (default: this package). */
  resolveDir?: string;
}

/**
 * Bundles `source` (a module's text, e.g. `export * from '@llmforge/tokenizer'`) for the browser as
 * one ESM file and returns its text; esbuild's errors (an unresolvable `node:fs`, say) reject.
 *
 * @example
 * ```ts
 * const js = await bundleForBrowser("export * from '@llmforge/tensor-gpu'", { minify: true });
 * ```
 */
export async function bundleForBrowser(source: string, options: BrowserBundleOptions = {}): Promise<string> {
  const result = await build({
    stdin: {
      contents: source,
      resolveDir: options.resolveDir ?? new URL('..', import.meta.url).pathname,
      loader: 'ts',
      sourcefile: 'entry.ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? false,
    conditions: options.conditions ?? ['@llmforge/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Bundles a file (the page script) for the browser; see {@link bundleForBrowser}. */
export async function bundleFileForBrowser(path: string): Promise<string> {
  const result = await build({
    entryPoints: [path],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@llmforge/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
