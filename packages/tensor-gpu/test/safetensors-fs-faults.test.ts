/**
 * File-system failures a test cannot cause for real (a full disk, an I/O error, a read-only file
 * system when the tests run as root), injected through a mock of `node:fs/promises` that wraps the
 * real module (helpers/fs-faults.ts): the file handles it opens fail on write / read / sync with
 * the chosen error code.
 * Each failure must surface as a SafetensorsError naming the file, with the code's hint and the
 * original error as `cause`, and leave no temporary file and the previous file intact.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { faults } from './helpers/fs-faults.js';

vi.mock('node:fs/promises', async (real) => (await import('./helpers/fs-faults.js')).faultyFs(await real()));

const { SafetensorsError } = await import('../src/index.js');
const { loadSafetensors, saveSafetensors } = await import('../src/node.js');

const root = mkdtempSync(join(tmpdir(), 'llmforge-safetensors-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  faults.active = undefined;
});

const v1 = { x: { dtype: 'F32' as const, shape: [3], data: [1, 2, 3] } };
const v2 = { y: { dtype: 'F32' as const, shape: [1000], data: new Float32Array(1000) } };

async function caught(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(SafetensorsError.isInstance(e), String(e)).toBe(true);
  return e as InstanceType<typeof SafetensorsError>;
}

describe('saveSafetensors under injected failures', () => {
  for (const [op, code, found, hint] of [
    ['write', 'ENOSPC', 'ENOSPC (no space left on device)', /disk is full/],
    ['write', 'EDQUOT', 'EDQUOT (disk quota exceeded)', /quota/],
    ['write', 'EFBIG', 'EFBIG (file too large)', /files this large/],
    ['sync', 'EIO', 'EIO (input/output error)', /disk or network file system failed/],
    ['open', 'EROFS', 'EROFS (read-only file system)', /read-only/],
    ['open', 'EACCES', 'EACCES (permission denied)', /permissions/],
    ['rename', 'EXDEV', 'EXDEV (cross-device link)', /different file systems/],
  ] as const) {
    it(`${code} on ${op}: typed, hinted, the old file intact, no temporary left`, async () => {
      const dir = mkdtempSync(join(root, `${code}-`));
      const file = join(dir, 'model.safetensors');
      await saveSafetensors(file, v1);
      faults.active = { op, code, match: /\.tmp-/ };
      const e = await caught(saveSafetensors(file, v2, { format: 'pt' }));
      expect(e.file).toBe(file);
      expect(e.found).toBe(found);
      expect(e.hint).toMatch(hint);
      expect((e.cause as NodeJS.ErrnoException).code).toBe(code);
      faults.active = undefined;
      expect([...(await loadSafetensors(file)).keys()]).toEqual(['x']);
      expect(readdirSync(dir)).toEqual(['model.safetensors']);
    });
  }
});

describe('loadSafetensors under injected failures', () => {
  it('EIO while reading a tensor: typed, naming the file and the bytes', async () => {
    const file = join(root, 'read.safetensors');
    await saveSafetensors(file, v2);
    faults.active = { op: 'read', code: 'EIO', match: /read\.safetensors$/ };
    const e = await caught(loadSafetensors(file));
    expect(e.message).toMatch(/read: .*read\.safetensors: expected \d+ bytes at offset 0, found EIO/);
    expect(e.hint).toMatch(/disk or network/);
  });

  it('EMFILE on open: typed with the ulimit hint', async () => {
    const file = join(root, 'open.safetensors');
    await saveSafetensors(file, v1);
    faults.active = { op: 'open', code: 'EMFILE', match: /open\.safetensors$/ };
    const e = await caught(loadSafetensors(file));
    expect(e.hint).toMatch(/ulimit/);
  });
});
