/**
 * A JSON file written atomically: into a temporary sibling, then renamed over the target, so a
 * reader (or a crash) never sees half a file.
 */

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `value` as indented JSON to `path` atomically (creating the folder).
 *
 * @example
 * ```ts
 * await writeJsonAtomically('runs/a/config.json', config);
 * ```
 */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}
