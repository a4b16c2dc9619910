import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemoCli } from '../src/cli.js';
import { DEFAULT_CONFIG, QUICK_CONFIG } from '../src/config.js';
import { DemoOptionError } from '../src/errors.js';
import { parseCommandLine } from '../src/options.js';
import { memoryIO, tempDir } from './helpers.js';

describe('command line', () => {
  it('defaults to all on the default preset, and --quick switches preset and run directory', () => {
    const d = parseCommandLine([]);
    expect(d.command).toBe('all');
    expect(d.config).toEqual(DEFAULT_CONFIG);
    expect(d.run).toBe('runs/default');
    const q = parseCommandLine(['all', '--quick']);
    expect(q.config).toEqual(QUICK_CONFIG);
    expect(q.run).toBe('runs/quick');
    // pnpm passes `--` through
    expect(parseCommandLine(['--', 'pretrain', '--steps', '10']).config.pretrain.steps).toBe(10);
  });

  it('applies overrides to the config the stages hash', () => {
    const r = parseCommandLine([
      'pretrain',
      '--steps',
      '40',
      '--vocab-size',
      '1024',
      '--seed',
      '7',
      '--corpus',
      'a.txt',
      '--corpus',
      'b/',
      '--rl',
      'dpo,ppo',
      '--rl-steps',
      '5',
    ]);
    expect(r.config.pretrain.steps).toBe(40);
    expect(r.config.pretrain.warmupSteps).toBe(4); // kept within a tenth of the steps
    expect(r.config.tokenizer.vocabSize).toBe(1024);
    expect(r.config.seed).toBe(7);
    expect(r.config.corpus.paths).toEqual(['a.txt', 'b/']);
    expect(r.config.rl).toEqual(['ppo', 'dpo']); // pipeline order
    expect([r.config.ppo.steps, r.config.grpo.steps, r.config.dpo.steps]).toEqual([5, 5, 5]);
  });

  it.each([
    [['pretrain', '--steps', 'many'], 'option --steps', 'an integer ≥ 1'],
    [['pretrain', '--steps', '0'], 'option --steps', 'found 0'],
    [['pretrain', '--steps', '2.5'], 'option --steps', 'an integer'],
    [['all', '--vocab-size', '100'], 'option --vocab-size', '≥ 300'],
    [['all', '--seed=-1'], 'option --seed', '≥ 0'],
    [['all', '--seed', '-1'], 'option --seed', 'a value that starts with "-"'],
    [['all', '--steps'], 'option --steps', 'expected a value after it, found none'],
    [['all', '--threads', '0'], 'option --threads', '≥ 1'],
    [['all', '--backend', 'cuda'], 'option --backend', 'one of cpu, webgpu'],
    [['all', '--rl', 'ppo,a2c'], 'option --rl', 'ppo, grpo, dpo'],
    [['chat', '--temperature', 'hot'], 'option --temperature', 'a number ≥ 0'],
    [['chat', '--top-p', '0'], 'option --top-p', '> 0 and ≤ 1'],
    [['chat', '--top-p', '1.5'], 'option --top-p', 'found 1.5'],
    [['chat', '--top-k=-3'], 'option --top-k', '≥ 0'],
    [['chat', '--max-new-tokens', ''], 'option --max-new-tokens', 'found ""'],
    [['chat', '--stage', 'reward'], 'option --stage', 'pretrain, sft, ppo, grpo, dpo'],
    [['pretrain', '--temperature', '0.5'], 'option --temperature', 'with the chat command only'],
  ])('rejects %j naming the flag', (argv, where, expected) => {
    let error: unknown;
    try {
      parseCommandLine(argv as string[]);
    } catch (e) {
      error = e;
    }
    expect(DemoOptionError.isInstance(error)).toBe(true);
    expect((error as DemoOptionError).where).toBe(where);
    expect((error as Error).message).toContain(expected);
  });

  it('rejects an unknown stage, an unknown flag and two stages', () => {
    expect(() => parseCommandLine(['train'])).toThrow(/expected a stage: prepare, tokenizer/);
    expect(() => parseCommandLine(['all', '--step', '3'])).toThrow(/Unknown option '--step'/);
    expect(() => parseCommandLine(['all', 'pretrain'])).toThrow(/expected one stage/);
  });

  it('a bad flag ends the run with one line and exit code 1, before the run directory is made', async () => {
    const run = join(tempDir(), 'run');
    const io = memoryIO();
    const code = await runDemoCli(['all', '--quick', '--run', run, '--steps', 'ten'], io);
    expect(code).toBe(1);
    expect(io.err()).toBe(
      'llmforge-demo: option --steps: expected an integer ≥ 1 and ≤ 10000000, found "ten"; hint: e.g. --steps 200\n',
    );
    expect(io.out()).toBe('');
    expect(existsSync(run)).toBe(false);
  });

  it('--help prints the usage with every stage', async () => {
    const io = memoryIO();
    expect(await runDemoCli(['--help'], io)).toBe(0);
    for (const s of ['prepare', 'tokenizer', 'pretrain', 'sft', 'reward', 'ppo grpo dpo', 'all', 'chat']) {
      expect(io.out()).toContain(`  ${s} `);
    }
  });
});
