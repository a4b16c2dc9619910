import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDirectoryError } from '../src/errors.js';
import { RUN_FORMAT, RUN_VERSION, RunDirectory, stableJson, stageHash } from '../src/run-dir.js';
import { snapshot, tempDir } from './helpers.js';

async function refusal(dir: string, create = true): Promise<RunDirectoryError> {
  try {
    await RunDirectory.open(dir, { create });
  } catch (e) {
    if (RunDirectoryError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a RunDirectoryError');
}

describe('run directory', () => {
  it('hashes configs independently of key order, and changes with any value', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    const h = stageHash('pretrain', { steps: 10, lr: 1e-3 }, { tokenizer: 'x' });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(stageHash('pretrain', { lr: 1e-3, steps: 10 }, { tokenizer: 'x' })).toBe(h);
    expect(stageHash('pretrain', { steps: 11, lr: 1e-3 }, { tokenizer: 'x' })).not.toBe(h);
    expect(stageHash('pretrain', { steps: 10, lr: 1e-3 }, { tokenizer: 'y' })).not.toBe(h);
    expect(stageHash('sft', { steps: 10, lr: 1e-3 }, { tokenizer: 'x' })).not.toBe(h);
  });

  it('creates run.json in a new or empty folder and reopens it', async () => {
    const dir = join(tempDir(), 'a', 'run');
    const run = await RunDirectory.open(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: RUN_FORMAT, version: RUN_VERSION });
    expect((await RunDirectory.open(dir)).manifest).toEqual(run.manifest);
    const empty = tempDir();
    await RunDirectory.open(empty);
    expect(existsSync(join(empty, 'run.json'))).toBe(true);
  });

  it('refuses a run of another version, naming run.json, and changes nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ format: RUN_FORMAT, version: 0, created: 'then' }));
    mkdirSync(join(dir, 'pretrain'));
    writeFileSync(join(dir, 'pretrain', 'model.safetensors'), 'weights');
    const before = snapshot(dir);
    const e = await refusal(dir);
    expect(e.file).toBe(join(dir, 'run.json'));
    expect(e.message).toContain(
      `expected a run of ${RUN_FORMAT} version ${RUN_VERSION}, found ${RUN_FORMAT} version 0`,
    );
    expect(e.message).toContain('choose a new --run directory');
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses a folder with files and no run.json, a corrupt run.json, and an unwritable place', async () => {
    const notRun = tempDir();
    writeFileSync(join(notRun, 'thesis.tex'), 'precious');
    expect((await refusal(notRun)).message).toContain('a folder with 1 entries and no run.json');
    expect(readFileSync(join(notRun, 'thesis.tex'), 'utf8')).toBe('precious');

    const corrupt = tempDir();
    writeFileSync(join(corrupt, 'run.json'), '{ not json');
    expect((await refusal(corrupt)).file).toBe(join(corrupt, 'run.json'));

    // a path below a regular file cannot be created, whoever runs the test (root ignores modes)
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const e = await refusal(join(file, 'run'));
    expect(e.message).toContain('expected a directory the demo can write, found ENOTDIR');
    expect(e.hint).toBe('pass --run with a writable directory');
  });

  it('without create, asks for an existing run', async () => {
    const e = await refusal(join(tempDir(), 'none'), false);
    expect(e.message).toContain('expected a demo run (a folder with run.json), found no such folder');
    expect(e.hint).toContain('llmforge-demo all');
  });

  it('a stage is current only with the same hash and every output file of the same size', async () => {
    const run = await RunDirectory.open(tempDir());
    expect(run.staleReason('prepare', 'h1')).toBe('never run');
    const { dir, resumable } = await run.partialDir('prepare', 'h1', false);
    expect(resumable).toBe(false);
    writeFileSync(join(dir, 'train.txt'), 'abc');
    await run.promote('prepare');
    await run.finishStage('prepare', 'h1', { config: 1 }, { documents: 1 }, 0.5);
    expect(run.staleReason('prepare', 'h1')).toBeNull();
    expect(run.staleReason('prepare', 'h2')).toBe('inputs changed');
    writeFileSync(run.path('prepare', 'train.txt'), 'abcd');
    expect(run.staleReason('prepare', 'h1')).toBe('prepare/train.txt changed size (3 → 4 bytes)');
    writeFileSync(run.path('prepare', 'train.txt'), 'abc');
    expect(run.staleReason('prepare', 'h1')).toBeNull();
  });

  it('a partial folder of the same hash is resumed; another hash or fresh starts it empty; promote replaces the output', async () => {
    const run = await RunDirectory.open(tempDir());
    const a = await run.partialDir('pretrain', 'h1', false);
    writeFileSync(join(a.dir, 'checkpoint'), 'step 10');
    expect((await run.partialDir('pretrain', 'h1', false)).resumable).toBe(true);
    expect(existsSync(join(a.dir, 'checkpoint'))).toBe(true);
    expect((await run.partialDir('pretrain', 'h1', true)).resumable).toBe(false);
    expect(existsSync(join(a.dir, 'checkpoint'))).toBe(false);
    writeFileSync(join(a.dir, 'checkpoint'), 'run 1');
    await run.promote('pretrain');
    const b = await run.partialDir('pretrain', 'h2', false);
    expect(b.resumable).toBe(false);
    // the finished output stays while the new run works
    expect(readFileSync(run.path('pretrain', 'checkpoint'), 'utf8')).toBe('run 1');
    writeFileSync(join(b.dir, 'checkpoint'), 'run 2');
    await run.promote('pretrain');
    expect(readFileSync(run.path('pretrain', 'checkpoint'), 'utf8')).toBe('run 2');
    expect(existsSync(run.path('pretrain.partial'))).toBe(false);
    expect(existsSync(run.path('pretrain.old'))).toBe(false);
  });
});
