/**
 * fromPretrained / savePretrained on a hostile file system and on hostile checkpoints: every failure
 * is a CheckpointError naming the file, with a hint (and the original error as `cause` where there
 * is one), nothing hangs, and a save keeps the files it does not own.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/errors.js';
import type { Model } from '../src/model.js';
import { fromPretrained, savePretrained } from '../src/node.js';
import { fixtureDir } from './helpers/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'llmforge-pretrained-fs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const backend = createCpuBackend();
let model: Model;
beforeAll(async () => {
  model = await fromPretrained(fixtureDir('gpt2-tiny'), { backend });
});

async function rejected(p: Promise<unknown>): Promise<CheckpointError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(CheckpointError.isInstance(e), String(e)).toBe(true);
  const c = e as CheckpointError;
  expect(c.hint, c.message).toBeTruthy();
  return c;
}

/** A copy of the gpt2-tiny checkpoint to damage. */
function copy(name: string): string {
  const dir = join(root, name);
  cpSync(fixtureDir('gpt2-tiny'), dir, { recursive: true });
  return dir;
}

describe('fromPretrained: the file system', () => {
  it('a missing directory, a file instead of a directory', async () => {
    const missing = await rejected(fromPretrained(join(root, 'nope'), { backend }));
    expect(missing.found).toBe('ENOENT (no such file or directory)');
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    writeFileSync(join(root, 'a-file'), 'x');
    expect((await rejected(fromPretrained(join(root, 'a-file'), { backend }))).found).toBe('a file');
  });

  it('config.json or model.safetensors that is a directory, or missing', async () => {
    const d1 = copy('config-dir');
    rmSync(join(d1, 'config.json'));
    mkdirSync(join(d1, 'config.json'));
    expect((await rejected(fromPretrained(d1, { backend }))).found).toBe('a directory');
    const d2 = copy('weights-dir');
    rmSync(join(d2, 'model.safetensors'));
    mkdirSync(join(d2, 'model.safetensors'));
    const e = await rejected(fromPretrained(d2, { backend }));
    expect(e.file).toBe(join(d2, 'model.safetensors'));
    expect(e.found).toBe('a directory');
    const d3 = copy('no-config');
    rmSync(join(d3, 'config.json'));
    expect((await rejected(fromPretrained(d3, { backend }))).hint).toMatch(
      /config\.json and model\.safetensors/,
    );
  });

  it('a truncated config.json, and truncated weights: typed, the SafetensorsError as cause', async () => {
    const d = copy('truncated');
    writeFileSync(join(d, 'config.json'), readFileSync(join(d, 'config.json'), 'utf8').slice(0, 100));
    expect((await rejected(fromPretrained(d, { backend }))).expected).toBe('valid JSON');
    cpSync(join(fixtureDir('gpt2-tiny'), 'config.json'), join(d, 'config.json'));
    const bytes = readFileSync(join(d, 'model.safetensors'));
    writeFileSync(join(d, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    const e = await rejected(fromPretrained(d, { backend }));
    expect(e.message).toMatch(/model\.safetensors: expected a data region of \d+ bytes/);
    expect((e.cause as Error).name).toBe('SafetensorsError');
  });
});

describe('fromPretrained: hostile checkpoints', () => {
  it('a config asking for far more weights than the files hold fails before allocating (no hang)', async () => {
    const d = copy('huge-config');
    const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
    for (const patch of [{ n_layer: 1_000_000 }, { vocab_size: 2 ** 26 }, { n_embd: 48_000, n_head: 4 }]) {
      writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, ...patch }));
      const started = Date.now();
      const e = await rejected(fromPretrained(d, { backend }));
      expect(e.message).toMatch(/expected weights for the [\d,]+ parameters this config describes/);
      expect(Date.now() - started).toBeLessThan(5000); // a hang guard, not a speed assertion
    }
  });

  it('a shard index: paths out of the directory, a shard twice, a bad weight_map', async () => {
    const d = copy('sharded');
    renameSync(join(d, 'model.safetensors'), join(d, 'model-00001-of-00001.safetensors'));
    const names = Object.keys(
      JSON.parse(
        readFileSync(join(d, 'model-00001-of-00001.safetensors'))
          .subarray(
            8,
            8 + Number(readFileSync(join(d, 'model-00001-of-00001.safetensors')).readBigUInt64LE(0)),
          )
          .toString(),
      ),
    ).filter((n) => n !== '__metadata__');
    const index = (map: Record<string, unknown>) =>
      writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: map }));
    index(Object.fromEntries(names.map((n) => [n, 'model-00001-of-00001.safetensors'])));
    expect((await fromPretrained(d, { backend })).numParams()).toBe(model.numParams());
    index({ [names[0]!]: '../gpt2-tiny/model.safetensors' });
    expect((await rejected(fromPretrained(d, { backend }))).where).toBe(`weight_map.${names[0]}`);
    index({ [names[0]!]: 7 });
    expect((await rejected(fromPretrained(d, { backend }))).where).toBe(`weight_map.${names[0]}`);
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: ['x'] }));
    expect((await rejected(fromPretrained(d, { backend }))).where).toBe('weight_map');
    cpSync(join(d, 'model-00001-of-00001.safetensors'), join(d, 'model-00002-of-00002.safetensors'));
    index({ a: 'model-00001-of-00001.safetensors', b: 'model-00002-of-00002.safetensors' });
    expect((await rejected(fromPretrained(d, { backend }))).expected).toBe('each tensor in one shard');
  });
});

describe('savePretrained: the file system', () => {
  it('under a file, into a file, and under /proc: typed at once (no recursive-mkdir loop)', async () => {
    writeFileSync(join(root, 'plain'), 'x');
    const under = await rejected(savePretrained(model, join(root, 'plain', 'model')));
    expect(under.message).toMatch(/plain\/model: expected to create the parent directory, found ENOTDIR/);
    const into = await rejected(savePretrained(model, join(root, 'plain')));
    expect(into.found).toMatch(/^ENOTDIR/);
    expect(readFileSync(join(root, 'plain'), 'utf8')).toBe('x');
    if (existsSync('/proc/self')) {
      for (const target of ['/proc/llmforge-x', '/proc/llmforge-x/y/z']) {
        const e = await rejected(savePretrained(model, target));
        expect(e.found).toBe('ENOENT (no such file or directory)');
      }
      const e = await rejected(savePretrained(model, '/proc/llmforge-x'));
      expect(e.hint).toMatch(/takes no new entries/);
    }
  }, 10_000);

  it('bad arguments', async () => {
    await rejected(savePretrained(model, '' as string));
    await rejected(savePretrained({} as Model, join(root, 'x')));
  });
});

describe('savePretrained: what the directory holds afterwards', () => {
  it('keeps files it does not own, replaces its own, drops stale shards and orphan temporaries', async () => {
    const dir = join(root, 'out');
    await savePretrained(model, dir);
    writeFileSync(join(dir, 'tokenizer.json'), '{"version": "1.0"}');
    writeFileSync(join(dir, 'README.md'), '# my model');
    writeFileSync(join(dir, 'model.safetensors.index.json'), '{}');
    writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), 'stale');
    writeFileSync(join(dir, 'config.json.tmp-999999-abcdefgh'), 'an orphan of an older version');
    await savePretrained(model, dir);
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'config.json',
      'model.safetensors',
      'tokenizer.json',
    ]);
    expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe('{"version": "1.0"}');
    expect(readdirSync(root).filter((n) => n.startsWith('.out.'))).toEqual([]);
    expect((await fromPretrained(dir, { backend })).numParams()).toBe(model.numParams());
  });

  it('a save killed between its two renames is recovered by the next load', async () => {
    const dir = join(root, 'interrupted');
    await savePretrained(model, dir);
    // the state after `dir → .dir.old-*` and before `.dir.new-* → dir`, left by a dead process
    const deadPid = 2 ** 22 + 777;
    renameSync(dir, join(root, `.interrupted.old-${deadPid}-aaaaaaaa`));
    expect((await fromPretrained(dir, { backend })).numParams()).toBe(model.numParams());
    expect(readdirSync(root).filter((n) => n.startsWith('.interrupted.'))).toEqual([]);
  });
});
