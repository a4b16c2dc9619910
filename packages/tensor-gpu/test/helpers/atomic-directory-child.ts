/**
 * Child process of the atomic-directory kill test: saves versions start, start+1, ... of one
 * directory forever with `writeDirectoryAtomically`, printing `saved <v>` after each one returns.
 * Each version holds a manifest and files of several sizes whose every byte is the version number
 * (mod 251), so a torn directory (files of two versions, a missing or truncated file) is detectable.
 *
 *   ATOMIC_CHILD=1 node script.mjs <dir> <startVersion>
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDirectoryAtomically } from '../../src/io/atomic-directory.js';

export const FILE_SIZES = [1, 4096, 65_536, 300_000];

export async function writeVersion(dir: string, version: number): Promise<void> {
  await writeDirectoryAtomically(dir, async (tmp) => {
    for (const [i, size] of FILE_SIZES.entries()) {
      await writeFile(join(tmp, `part-${i}.bin`), new Uint8Array(size).fill(version % 251));
    }
    await writeFile(join(tmp, 'manifest.json'), JSON.stringify({ version, sizes: FILE_SIZES }));
  });
}

const [dir, start] = process.argv.slice(2);
if (process.env.ATOMIC_CHILD === '1' && dir !== undefined && start !== undefined) {
  process.stdout.write('ready\n');
  for (let v = Number(start); ; v++) {
    await writeVersion(dir, v);
    process.stdout.write(`saved ${v}\n`);
  }
}
