/**
 * The file-system steps of the writers: `makeDirectories` creates missing parents one level at a
 * time and fails at once where Node's recursive mkdir loops forever (`/proc/x/y`), and
 * `writeDirectoryAtomically` refuses to replace a file with a directory.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectories } from '../src/io/fs-paths.js';
import { AtomicDirectoryError, writeDirectoryAtomically } from '../src/node.js';

const root = mkdtempSync(join(tmpdir(), 'llmforge-fs-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: NodeJS.ErrnoException) => e.code,
  );

describe('makeDirectories', () => {
  it('creates every missing level, and accepts what exists', async () => {
    const deep = join(root, 'a', 'b', 'c');
    await makeDirectories(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeDirectories(deep);
    await makeDirectories(root);
  });

  it('a file on the way is ENOTDIR, whether it is the directory itself or a parent', async () => {
    writeFileSync(join(root, 'file'), 'x');
    expect(await code(makeDirectories(join(root, 'file')))).toBe('ENOTDIR');
    expect(await code(makeDirectories(join(root, 'file', 'sub', 'deeper')))).toBe('ENOTDIR');
  });

  it.skipIf(!existsSync('/proc/self'))(
    'under /proc (mkdir answers ENOENT though the parent exists): fails at once, no loop',
    async () => {
      expect(await code(makeDirectories('/proc/llmforge-x/y'))).toBe('ENOENT');
      const e = await writeDirectoryAtomically('/proc/llmforge-x/y', async () => {}).catch(
        (err: unknown) => err,
      );
      expect(AtomicDirectoryError.isInstance(e)).toBe(true);
      expect((e as Error).message).toMatch(/create the parent directory, found ENOENT/);
    },
    5000,
  );
});

describe('writeDirectoryAtomically onto a file', () => {
  it('refuses (ENOTDIR) and leaves the file as it was', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'precious');
    const e = await writeDirectoryAtomically(file, async (tmp) => {
      writeFileSync(join(tmp, 'a'), 'b');
    }).catch((err: unknown) => err);
    expect(AtomicDirectoryError.isInstance(e)).toBe(true);
    expect((e as AtomicDirectoryError).found).toBe('ENOTDIR');
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });
});
