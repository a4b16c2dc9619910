/**
 * savePretrained when the file system fails at each step of the atomic save (a full disk while the
 * weights are written, a read-only file system when the temporary directory is made, an I/O error
 * on fsync, no permission to rename into place), injected with tensor-gpu's fs-faults mock: a
 * CheckpointError naming the directory with the failure's hint and the original error under
 * `cause`, the previous checkpoint intact (it loads, the files beside it are kept), nothing left over.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { faults } from '../../tensor-gpu/test/helpers/fs-faults.js';

vi.mock('node:fs/promises', async (real) =>
  (await import('../../tensor-gpu/test/helpers/fs-faults.js')).faultyFs(await real()),
);

const { CheckpointError } = await import('../src/errors.js');
const { fromPretrained, savePretrained } = await import('../src/node.js');
const { fixtureDir } = await import('./helpers/fixtures.js');

const root = mkdtempSync(join(tmpdir(), 'llmforge-pretrained-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  faults.active = undefined;
});
const backend = createCpuBackend();
let model: Awaited<ReturnType<typeof fromPretrained>>;
beforeAll(async () => {
  model = await fromPretrained(fixtureDir('gpt2-tiny'), { backend });
});

describe('savePretrained under injected file-system failures', () => {
  for (const [op, code, match, hint] of [
    ['write', 'ENOSPC', /model\.safetensors\.tmp-/, /disk is full/],
    ['write', 'EDQUOT', /model\.safetensors\.tmp-/, /quota/],
    ['mkdir', 'EROFS', /\.ckpt\.tmp-/, /read-only/],
    ['sync', 'EIO', /config\.json$/, /disk or network file system failed/],
    ['rename', 'EACCES', /\.ckpt\.new-/, /permissions/],
  ] as const) {
    it(`${code} on ${op}: typed and hinted, the previous checkpoint intact`, async () => {
      const parent = mkdtempSync(join(root, `${code}-`));
      const dir = join(parent, 'ckpt');
      await savePretrained(model, dir);
      writeFileSync(join(dir, 'tokenizer.json'), '{"kept": true}');
      const before = readFileSync(join(dir, 'model.safetensors'));
      faults.hits = 0;
      faults.active = { op, code, match };
      const e = await savePretrained(model, dir).then(
        () => undefined,
        (err: unknown) => err,
      );
      faults.active = undefined;
      expect(faults.hits).toBeGreaterThan(0);
      expect(CheckpointError.isInstance(e), String(e)).toBe(true);
      const c = e as InstanceType<typeof CheckpointError>;
      expect(c.file).toBe(dir);
      expect(c.found).toMatch(new RegExp(`^${code} \\(`));
      expect(c.hint).toMatch(hint);
      // the underlying error is kept (wrapped once more by tensor-gpu on the way)
      let inner: unknown = c.cause;
      while ((inner as { cause?: unknown })?.cause !== undefined) inner = (inner as { cause: unknown }).cause;
      expect((inner as NodeJS.ErrnoException).code).toBe(code);
      expect(readdirSync(parent)).toEqual(['ckpt']);
      expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
      expect(readFileSync(join(dir, 'model.safetensors')).equals(before)).toBe(true);
      expect((await fromPretrained(dir, { backend })).numParams()).toBe(model.numParams());
    });
  }
});
