/**
 * safetensors against a real file system: every failure is a SafetensorsError naming the file, with
 * a hint and the file system's error as `cause`; what cannot be replaced by a rename (a directory, a
 * FIFO) is refused untouched; a symbolic link survives a write through it; and the temporaries that
 * killed writers left are swept on the next save. (Full disks and I/O errors, which a test cannot
 * cause for real, are simulated in safetensors-fs-faults.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend, Linear, RandomGenerator, SafetensorsError, tensor } from '../src/index.js';
import { loadSafetensors, loadSafetensorsInto, saveSafetensors, saveTensors } from '../src/node.js';

const root = mkdtempSync(join(tmpdir(), 'llmforge-safetensors-fs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const one = { x: { dtype: 'F32' as const, shape: [2], data: [1, 2] } };

async function caught(p: Promise<unknown>): Promise<SafetensorsError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(SafetensorsError.isInstance(e), String(e)).toBe(true);
  const s = e as SafetensorsError;
  expect(s.hint, s.message).toBeTruthy();
  return s;
}

describe('reading', () => {
  it('a missing file: ENOENT named, with a hint and the cause', async () => {
    const e = await caught(loadSafetensors(join(root, 'missing.safetensors')));
    expect(e.file).toBe(join(root, 'missing.safetensors'));
    expect(e.found).toBe('ENOENT (no such file or directory)');
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('a directory instead of a file', async () => {
    const e = await caught(loadSafetensors(root));
    expect(e.message).toMatch(
      /expected a safetensors file, found a directory; hint: pass the path of the \.safetensors file/,
    );
  });

  it('a parent that is a file (ENOTDIR), also through loadSafetensorsInto', async () => {
    writeFileSync(join(root, 'plain'), 'x');
    const e = await caught(loadSafetensors(join(root, 'plain', 'model.safetensors')));
    expect(e.found).toMatch(/^ENOTDIR/);
    const layer = new Linear(2, 2, { backend: createCpuBackend(), generator: new RandomGenerator(1) });
    await caught(loadSafetensorsInto(join(root, 'plain', 'model.safetensors'), layer));
  });
});

describe('writing', () => {
  it('into a directory path: refused before anything is written', async () => {
    const d = join(root, 'a-dir');
    mkdirSync(d);
    const e = await caught(saveSafetensors(d, one));
    expect(e.message).toContain('found a directory');
    expect(lstatSync(d).isDirectory()).toBe(true);
    expect(readdirSync(d)).toEqual([]);
  });

  it('into a missing directory, or under a file: the file system error, no temporary left', async () => {
    const e = await caught(saveSafetensors(join(root, 'no', 'such', 'x.safetensors'), one));
    expect(e.found).toBe('ENOENT (no such file or directory)');
    expect(e.expected).toBe('a writable directory');
    writeFileSync(join(root, 'plain2'), 'x');
    const f = await caught(
      saveTensors(join(root, 'plain2', 'x.safetensors'), new Map([['w', tensor([1, 2])]])),
    );
    expect(f.found).toMatch(/^ENOTDIR/);
    expect(readdirSync(root).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('over a FIFO: refused, the FIFO stays', async () => {
    const fifo = join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const e = await caught(saveSafetensors(fifo, one));
    expect(e.found).toBe('a FIFO');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it.skipIf(process.platform === 'win32')(
    'through a symbolic link: the target is replaced, the link stays',
    async () => {
      const target = join(root, 'real.safetensors');
      const link = join(root, 'link.safetensors');
      await saveSafetensors(target, one);
      symlinkSync(target, link);
      await saveSafetensors(link, { y: { dtype: 'F32', shape: [1], data: [7] } });
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect([...(await loadSafetensors(target)).keys()]).toEqual(['y']);
      // a dangling link: written where it points
      const dangling = join(root, 'dangling.safetensors');
      symlinkSync(join(root, 'later.safetensors'), dangling);
      await saveSafetensors(dangling, one);
      expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
      expect([...(await loadSafetensors(join(root, 'later.safetensors'))).keys()]).toEqual(['x']);
    },
  );

  it('sweeps temporaries of dead writers beside the file, keeps those of live ones', async () => {
    const d = join(root, 'orphans');
    mkdirSync(d);
    const file = join(d, 'model.safetensors');
    const deadPid = 2 ** 22 + 4321; // above Linux's pid_max default: never a live process
    writeFileSync(`${file}.tmp-${deadPid}-abcdefgh`, 'half a file');
    writeFileSync(`${file}.tmp-${process.ppid}-ijklmnop`, 'a live writer');
    writeFileSync(join(d, 'other.safetensors.tmp-1-abcdefgh'), 'not ours');
    await saveSafetensors(file, one);
    expect(readdirSync(d).sort()).toEqual(
      [
        'model.safetensors',
        `model.safetensors.tmp-${process.ppid}-ijklmnop`,
        'other.safetensors.tmp-1-abcdefgh',
      ].sort(),
    );
    expect(readFileSync(file).length).toBeGreaterThan(8);
  });

  // root writes through directory permissions, so there is no EACCES to observe (CI runs as root
  // too); the injected-fault tests (fs-faults) cover EACCES for every user.
  const isRoot = process.getuid?.() === 0;
  it.skipIf(process.platform === 'win32' || isRoot)(
    `into a read-only directory: EACCES with a permissions hint, the old file intact${isRoot ? ' (skipped: running as root)' : ''}`,
    async () => {
      const d = join(root, 'read-only');
      mkdirSync(d);
      const file = join(d, 'x.safetensors');
      await saveSafetensors(file, one);
      chmodSync(d, 0o555);
      try {
        const e = await caught(saveSafetensors(file, { y: { dtype: 'F32', shape: [1], data: [3] } }));
        expect(e.found).toBe('EACCES (permission denied)');
        expect(e.hint).toMatch(/permissions/);
        expect([...(await loadSafetensors(file)).keys()]).toEqual(['x']);
      } finally {
        chmodSync(d, 0o755);
      }
    },
  );
});
