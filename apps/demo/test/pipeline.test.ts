/**
 * The pipeline's bookkeeping with stand-in stages (the real stages' needs and config slices, bodies
 * that write a file): what runs, what is skipped, what an interruption or a failure leaves.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type DemoConfig, presetConfig, STAGES, type StageName } from '../src/config.js';
import { DemoError } from '../src/errors.js';
import { currentManifests, runPipeline, withPrerequisites } from '../src/pipeline.js';
import { DemoProgress } from '../src/progress.js';
import { RunDirectory } from '../src/run-dir.js';
import type { Stage } from '../src/stage.js';
import { STAGE_TABLE } from '../src/stages/index.js';
import { snapshot, tempDir } from './helpers.js';

const quiet = () => new DemoProgress('none', new Writable({ write: (_c, _e, done) => done() }));

/** Stand-ins for the real stages: same needs and config slices; `run` writes out.txt. */
function standIns(
  calls: string[],
  behaviour: Partial<Record<StageName, (dir: string, resumable: boolean, signal: AbortSignal) => void>> = {},
) {
  const table = {} as Record<StageName, Stage>;
  for (const name of STAGES) {
    table[name] = {
      name,
      title: `stand-in ${name}`,
      needs: STAGE_TABLE[name].needs,
      config: STAGE_TABLE[name].config,
      async run(ctx) {
        calls.push(name);
        behaviour[name]?.(ctx.dir, ctx.resumable, ctx.signal);
        const upstream =
          ctx.config && STAGE_TABLE[name].needs.map((n) => ctx.upstream<{ value: string }>(n).result.value);
        writeFileSync(join(ctx.dir, 'out.txt'), `${name}(${upstream.join(',')})`);
        return { value: `${name}(${upstream.join(',')})` };
      },
      summary: (r) => String((r as { value: string }).value),
    };
  }
  return table;
}

async function pipeline(
  table: Record<StageName, Stage>,
  run: RunDirectory,
  config: DemoConfig,
  targets: StageName[],
  o: { force?: StageName[]; signal?: AbortSignal } = {},
) {
  return runPipeline(table, targets, {
    run,
    config,
    progress: quiet(),
    signal: o.signal ?? new AbortController().signal,
    backend: async () => {
      throw new Error('no backend in these tests');
    },
    force: new Set(o.force ?? []),
  });
}

describe('pipeline', () => {
  it('pretraining without a mid-training mix keeps the inputs (and hash) it had before mixing existed', () => {
    const preset = presetConfig('default');
    const plain = { ...preset, pretrain: { ...preset.pretrain, mix: null } };
    expect(Object.keys(STAGE_TABLE.pretrain.config(plain) as object)).not.toContain('mix');
    expect(Object.keys(STAGE_TABLE.pretrain.config(plain) as object)).not.toContain('taskMix');
    // a mix is an input, and so are the task families it renders
    const mixed = presetConfig('quick');
    expect(mixed.pretrain.mix).not.toBeNull();
    expect(STAGE_TABLE.pretrain.config(mixed)).toMatchObject({
      mix: mixed.pretrain.mix,
      taskMix: mixed.tasks.mix,
    });
    // SFT replaying the shard is an input of SFT; without replay its inputs are what they were
    expect(mixed.pretrain.mix?.replay).toBe(true);
    expect(STAGE_TABLE.sft.config(mixed)).toMatchObject({ replay: true });
    expect(Object.keys(STAGE_TABLE.sft.config(plain) as object)).not.toContain('replay');
  });

  it('adds prerequisites in pipeline order', () => {
    expect(withPrerequisites(STAGE_TABLE, ['sft'])).toEqual(['prepare', 'tokenizer', 'pretrain', 'sft']);
    expect(withPrerequisites(STAGE_TABLE, ['ppo'])).toEqual([
      'prepare',
      'tokenizer',
      'pretrain',
      'sft',
      'reward',
      'ppo',
    ]);
    expect(withPrerequisites(STAGE_TABLE, ['dpo', 'prepare'])).toEqual([
      'prepare',
      'tokenizer',
      'pretrain',
      'sft',
      'dpo',
    ]);
  });

  it('runs each stage once, then skips the current ones', async () => {
    const run = await RunDirectory.open(tempDir());
    const config = presetConfig('quick');
    const calls: string[] = [];
    const table = standIns(calls);
    const first = await pipeline(table, run, config, ['ppo']);
    expect(calls).toEqual(['prepare', 'tokenizer', 'pretrain', 'sft', 'reward', 'ppo']);
    expect(first.every((o) => o.status === 'ran')).toBe(true);
    expect(readFileSync(run.path('ppo', 'out.txt'), 'utf8')).toBe(
      'ppo(sft(pretrain(tokenizer(prepare()))),reward(sft(pretrain(tokenizer(prepare())))))',
    );
    calls.length = 0;
    const second = await pipeline(table, run, config, ['ppo']);
    expect(calls).toEqual([]);
    expect(second.map((o) => o.status)).toEqual(Array(6).fill('current'));
    expect([...currentManifests(table, run, config).keys()]).toEqual([
      'prepare',
      'tokenizer',
      'pretrain',
      'sft',
      'reward',
      'ppo',
    ]);
  });

  it('a changed setting reruns its stage and everything downstream, nothing upstream', async () => {
    const run = await RunDirectory.open(tempDir());
    const config = presetConfig('quick');
    const calls: string[] = [];
    const table = standIns(calls);
    await pipeline(table, run, config, ['grpo']);
    calls.length = 0;
    config.pretrain.steps += 1;
    expect([...currentManifests(table, run, config).keys()]).toEqual(['prepare', 'tokenizer']);
    await pipeline(table, run, config, ['grpo']);
    expect(calls).toEqual(['pretrain', 'sft', 'grpo']);
    calls.length = 0;
    await pipeline(table, run, config, ['grpo'], { force: ['sft'] });
    expect(calls).toEqual(['sft', 'grpo']); // same settings, but grpo was made from the previous SFT output
  });

  it('an interrupted stage leaves its output and manifest as they were, and continues next time', async () => {
    const run = await RunDirectory.open(tempDir());
    const config = presetConfig('quick');
    const calls: string[] = [];
    await pipeline(standIns(calls), run, config, ['pretrain']);
    config.pretrain.steps += 10;
    const before = snapshot(run.dir);
    const stop = new AbortController();
    const seen: boolean[] = [];
    const table = standIns(calls, {
      pretrain: (dir, resumable) => {
        seen.push(resumable);
        if (!resumable) {
          writeFileSync(join(dir, 'checkpoint-5'), 'half');
          stop.abort(new DemoError({ operation: 'test', expected: 'no interrupt', found: 'Ctrl-C' }));
        }
      },
    });
    await expect(pipeline(table, run, config, ['pretrain'], { signal: stop.signal })).rejects.toThrow(
      /Ctrl-C/,
    );
    // the finished output of the previous settings is untouched; the interrupted run waits beside it
    const after = snapshot(run.dir);
    for (const [file, hash] of Object.entries(before)) expect(after[file], file).toBe(hash);
    expect(existsSync(run.path('pretrain.partial', 'checkpoint-5'))).toBe(true);
    await pipeline(table, run, config, ['pretrain']);
    expect(seen).toEqual([false, true]);
    expect(existsSync(run.path('pretrain', 'checkpoint-5'))).toBe(true);
  });

  it('a stage that fails keeps the previous output and manifest of every stage', async () => {
    const run = await RunDirectory.open(tempDir());
    const config = presetConfig('quick');
    const calls: string[] = [];
    await pipeline(standIns(calls), run, config, ['tokenizer']);
    const before = snapshot(run.dir);
    config.corpus.paths = ['elsewhere.txt'];
    const failing = standIns(calls, {
      prepare: () => {
        throw new DemoError({ operation: 'prepare', expected: 'UTF-8', found: 'latin-1' });
      },
    });
    await expect(pipeline(failing, run, config, ['tokenizer'])).rejects.toThrow(/latin-1/);
    const after = snapshot(run.dir);
    for (const [file, hash] of Object.entries(before)) expect(after[file], file).toBe(hash);
  });
});
