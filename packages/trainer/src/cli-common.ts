/**
 * What the two command lines share: their I/O (so tests run them in-process), loading a config
 * file (JSON, or a JS module whose default export is the config object), and running as a program.
 */

import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LlmforgeError } from '@llmforge/errors';
import { TrainerConfigError } from './errors.js';

/** Where a CLI writes; the process streams by default. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard input's chunks (read only for the input `-`). */
  stdin: AsyncIterable<Uint8Array>;
}

/** The process's streams. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/**
 * Reads a config file: `.json`, or `.js` / `.mjs` / `.cjs` whose default export is the object
 * (or a function returning it), so a config can compute values and carry comments.
 *
 * @example
 * ```ts
 * const config = await loadConfigFile('train.json'); // or train.mjs with `export default { ... }`
 * ```
 */
export async function loadConfigFile(path: string): Promise<Record<string, unknown>> {
  const abs = resolve(path);
  try {
    if (/\.json$/i.test(path)) return JSON.parse(readFileSync(abs, 'utf8')) as Record<string, unknown>;
    const mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
    const value = typeof mod.default === 'function' ? await (mod.default as () => unknown)() : mod.default;
    if (typeof value !== 'object' || value === null) throw new Error('no default export object');
    return value as Record<string, unknown>;
  } catch (cause) {
    throw new TrainerConfigError({
      operation: 'loadConfigFile',
      file: path,
      expected: 'a JSON file, or a JS module whose default export is the config object',
      found: (cause as Error).message,
      cause,
    });
  }
}

/** Runs a CLI's `main` when the module is the program being executed, setting the exit code. */
export function runIfMain(moduleUrl: string, main: (argv: string[]) => Promise<number>): void {
  const script = process.argv[1];
  if (!script) return;
  let isMain = false;
  try {
    isMain = moduleUrl === pathToFileURL(realpathSync(script)).href;
  } catch {
    return;
  }
  if (!isMain) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/** Prints a typed error as one line and returns exit code 1; other errors propagate. */
export function reportError(name: string, error: unknown, io: CliIO): number {
  const known = LlmforgeError.isInstance(error) || (error as { code?: string })?.code !== undefined;
  if (!known) throw error;
  io.stderr.write(`${name}: ${(error as Error).message}\n`);
  return 1;
}
