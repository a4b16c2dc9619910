import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../src/index.js';
import { CheckpointManager, train } from '../src/node.js';
import { sampleDataset, TINY_MODEL, tempDir } from './helpers/fixtures.js';

const cli = fileURLToPath(new URL('../src/train/train-cli.ts', import.meta.url));

let data = '';
beforeAll(async () => {
  data = await sampleDataset();
}, 60_000);

const STEPS = 80;
const config = (outDir: string): TrainConfig => ({
  outDir,
  data: { dir: data },
  model: { ...TINY_MODEL, dropout: 0.1 }, // dropout: the model's random stream must resume too
  steps: STEPS,
  batchSize: 4,
  optimizer: { lr: 3e-3 },
  eval: { every: 20, batches: 2 },
  checkpoint: { every: 5, keepLast: 2 },
  log: { every: 1, progress: 'none' },
  device: { peakFlops: null },
});

const trainLosses = (outDir: string): [number, number][] =>
  readFileSync(join(outDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.endsWith('}')) // complete lines only (the file is being written)
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'train')
    .map((r) => [r.step, r.loss]);

describe('--resume after a real kill', () => {
  it('continues bit for bit: every loss after the resume equals the uninterrupted run', async () => {
    const reference = await train(config(join(tempDir(), 'ref')));
    expect(reference.losses.length).toBe(STEPS);

    // the same run through the CLI in a child process, killed with SIGKILL part-way
    const outDir = join(tempDir(), 'killed');
    const file = join(tempDir(), 'train.json');
    writeFileSync(file, JSON.stringify(config(outDir)));
    const child = spawn(
      process.execPath,
      ['--conditions=@llmforge/source', '--import', 'tsx', cli, '--config', file],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const metrics = join(outDir, 'metrics.jsonl');
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      if (existsSync(metrics) && trainLosses(outDir).length >= 33) break; // past the checkpoint of step 30
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = new CheckpointManager(join(outDir, 'checkpoints'), {
      keepLast: 2,
      keepBest: true,
    }).latest()!;
    expect(before.step).toBeGreaterThanOrEqual(30);
    expect(before.step).toBeLessThan(STEPS);

    const resumed = await train({ ...config(outDir), resume: true });
    expect(resumed.losses.length).toBe(STEPS - before.step);
    // the metrics file holds every step once: up to the checkpoint from the killed process, then the resumed ones
    const all = trainLosses(outDir);
    expect(all.map(([s]) => s)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(all.map(([, l]) => l)).toEqual(reference.losses); // bit for bit (JSON keeps every bit of a double)
    expect(resumed.losses).toEqual(reference.losses.slice(before.step));
    expect(resumed.valLoss).toBe(reference.valLoss);
    // no orphaned temporary directories
    expect(readdirSync(join(outDir, 'checkpoints')).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('Ctrl-C (SIGINT) stops after the current step with a checkpoint, exit code 0', async () => {
    const outDir = join(tempDir(), 'interrupted');
    const file = join(tempDir(), 'train.json');
    writeFileSync(file, JSON.stringify(config(outDir)));
    const child = spawn(
      process.execPath,
      ['--conditions=@llmforge/source', '--import', 'tsx', cli, '--config', file],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      if (existsSync(join(outDir, 'metrics.jsonl')) && trainLosses(outDir).length >= 8) break;
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const steps = trainLosses(outDir).map(([s]) => s);
    const last = steps[steps.length - 1]!;
    expect(last).toBeLessThan(STEPS);
    expect(
      new CheckpointManager(join(outDir, 'checkpoints'), { keepLast: 2, keepBest: true }).latest()!.step,
    ).toBe(last);
  }, 120_000);
});
