import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend, memory, noGrad, tensor, tidy } from '@llmforge/tensor-gpu';
import { createModel, type Model } from '@llmforge/transformer';
import { beforeAll, describe, expect, it } from 'vitest';
import { lmLoss, NonFiniteError, type TrainConfig, TrainerConfigError } from '../src/index.js';
import { CheckpointManager, loadDataset, TokenLoader, train } from '../src/node.js';
import { sampleDataset, TINY_MODEL, tempDir, tinyRun } from './helpers/fixtures.js';

let data = '';
beforeAll(async () => {
  data = await sampleDataset();
}, 60_000);

const config = (over: Partial<TrainConfig> = {}): TrainConfig => tinyRun(data, over);

describe('train', () => {
  it('trains, evaluates, checkpoints, logs metrics and writes the report', async () => {
    const c = config({ steps: 12 });
    const r = await train(c);
    expect(r.steps).toBe(12);
    expect(r.losses.length).toBe(12);
    expect(r.losses[11]!).toBeLessThan(r.losses[0]!);
    expect(r.valBpb).toBeGreaterThan(0);
    const lines = readFileSync(join(c.outDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'train').map((l) => l.step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
    expect(lines.filter((l) => l.type === 'eval').map((l) => l.step)).toEqual([0, 3, 6, 9, 12]);
    const ckpts = new CheckpointManager(join(c.outDir, 'checkpoints'), { keepLast: 2, keepBest: true });
    const kept = ckpts.list().map((k) => k.step);
    expect(kept.slice(-2)).toEqual([9, 12]);
    expect(kept).toContain(ckpts.best()!.step);
    const dir = ckpts.latest()!.dir;
    for (const f of [
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'optimizer.safetensors',
      'trainer_state.json',
    ]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    const html = readFileSync(join(c.outDir, 'report.html'), 'utf8');
    expect(html).toContain('uPlot'); // the chart library is inlined: the file opens offline
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('"validation"');
  }, 60_000);

  it('mixes a second source into every batch (data.mix) and resumes it exactly from its checkpoint', async () => {
    const train2 = loadDataset(data).train;
    const c = config({
      steps: 6,
      data: { dir: data, mix: [{ train: train2, weight: 0.5 }] },
      eval: { every: 3, batches: 2 },
      checkpoint: { every: 3, keepLast: 2 },
    });
    const full = await train(c);
    const ckpts = new CheckpointManager(join(c.outDir, 'checkpoints'), { keepLast: 2, keepBest: false });
    const state = JSON.parse(readFileSync(join(ckpts.latest()!.dir, 'trainer_state.json'), 'utf8'));
    expect(state.loader.mode).toBe('mixed');
    expect(state.loader.sources).toHaveLength(2);
    // drop the last checkpoint: the resumed run continues from step 3
    rmSync(ckpts.latest()!.dir, { recursive: true });
    const resumed = await train({ ...c, resume: true });
    expect(resumed.losses).toEqual(full.losses.slice(3));
    // the mix changed the batches: a plain run of the same seed trains on other windows
    const plain = await train(config({ steps: 6 }));
    expect(plain.losses).not.toEqual(full.losses);
  });

  it('holds the same number of live tensors at step 5 and step 25, and frees everything at the end', async () => {
    const backend = createCpuBackend();
    const live: number[] = [];
    await train(config({ steps: 25, eval: { every: 10, batches: 1 }, checkpoint: { every: 10 } }), {
      backend,
      onGradients: (step) => {
        if (step === 5 || step === 25) live.push(memory(backend).liveTensors);
      },
    });
    expect(live[1]).toBe(live[0]);
    expect(memory(backend).liveTensors).toBe(0);
  }, 60_000);

  it('gradient accumulation gives the gradients of the large batch (f64: equal to 1e-12)', () => {
    const backend = createCpuBackend();
    const ds = loadDataset(data);
    const loader = TokenLoader.open(ds.train, { batchSize: 8, seqLen: 16, mode: 'random', seed: 5 });
    const big = loader.next();
    loader.close();
    const grads = (micro: number) => {
      const model = createModel({ ...TINY_MODEL, vocabSize: 320 }, { backend, seed: 1, dtype: 'f64' });
      const rows = 8 / micro;
      for (let m = 0; m < micro; m++) {
        const ids = big.inputs.subarray(m * rows * 16, (m + 1) * rows * 16);
        const y = big.targets.subarray(m * rows * 16, (m + 1) * rows * 16);
        tidy(() => {
          const loss = model.forwardBackward(tensor(ids, [rows, 16], 'i32', backend), {
            loss: lmLoss(tensor(y, [rows * 16], 'i32', backend), 1 / micro),
          });
          loss.dispose();
        });
      }
      return noGrad(() =>
        model.namedParameters().map(([name, p]) => [name, Array.from(p.grad!.dataSync())] as const),
      );
    };
    const one = grads(1);
    const four = grads(4);
    let worst = 0;
    for (const [i, [name, g]] of one.entries()) {
      expect(four[i]![0]).toBe(name);
      for (let k = 0; k < g.length; k++) worst = Math.max(worst, Math.abs(g[k]! - four[i]![1][k]!));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('runs with gradAccumSteps 4 × batch 2 as with batch 8 (same windows, f64)', async () => {
    const common = {
      precision: 'f64' as const,
      steps: 3,
      eval: { every: 0, batches: 1, batchSize: 4 },
      seqLen: 16,
    };
    const a = await train(config({ ...common, batchSize: 8 }));
    const b = await train(config({ ...common, batchSize: 2, gradAccumSteps: 4 }));
    for (let i = 0; i < 3; i++) expect(b.losses[i]).toBeCloseTo(a.losses[i]!, 12);
    expect(b.valLoss).toBeCloseTo(a.valLoss, 11);
  }, 60_000);

  it('activation checkpointing and a WSD schedule change nothing but memory and the rate (same losses)', async () => {
    const common = {
      steps: 4,
      eval: { every: 0, batches: 1 },
      schedule: { type: 'wsd' as const, decaySteps: 2 },
    };
    const plain = await train(config(common));
    const recomputed = await train(config({ ...common, activationCheckpointing: true }));
    for (let i = 0; i < 4; i++) expect(recomputed.losses[i]).toBeCloseTo(plain.losses[i]!, 5);
  }, 60_000);

  it('stops on a non-finite loss or gradient, naming the step and the parameter, keeping the last good checkpoint', async () => {
    const c = config({ steps: 10, checkpoint: { every: 1, keepLast: 2 }, eval: { every: 0, batches: 1 } });
    // a NaN appears in one gradient at step 4 (as a bad batch or an overflow would make it)
    const poison = (step: number, model: Model) => {
      if (step !== 4) return;
      const p = model.parameter('h.1.mlp.up.weight')!;
      const g = new Float32Array(p.size);
      g[7] = Number.NaN;
      p.grad = tensor(g, p.shape, 'f32', p.backend);
    };
    const error = await train(c, { onGradients: poison }).catch((e: unknown) => e);
    expect(NonFiniteError.isInstance(error)).toBe(true);
    const e = error as NonFiniteError;
    expect(e.message).toMatch(
      new RegExp(`train: step ${e.step}: expected a finite loss and finite gradients`),
    );
    expect(e.step).toBe(4);
    expect(e.parameter).toBe('h.1.mlp.up.weight');
    expect(e.message).toContain('first non-finite gradient in h.1.mlp.up.weight');
    const ckpts = new CheckpointManager(join(c.outDir, 'checkpoints'), { keepLast: 2, keepBest: false });
    const latest = ckpts.latest()!;
    expect(latest.step).toBe(e.step - 1); // every step before the bad one was saved; the bad one was not
    const state = JSON.parse(readFileSync(join(latest.dir, 'trainer_state.json'), 'utf8'));
    expect(state.step).toBe(e.step - 1);
  }, 60_000);

  it('rejects configs that cannot work before any work, naming the field', async () => {
    const cases: [Partial<TrainConfig>, RegExp][] = [
      [{ batchSize: 100_000 }, /batchSize: expected at most \d+ rows of seqLen \+ 1 = 33 tokens/],
      [{ seqLen: 64 }, /seqLen: expected at most the model's contextLength \(32\)/],
      [{ model: { ...TINY_MODEL, nHead: 3 } }, /model\.nHead: expected a divisor of nEmbd/],
      [
        { model: { ...TINY_MODEL, vocabSize: 100 } },
        /model\.vocabSize: expected at least the tokenizer's vocabulary \(320\)/,
      ],
      [{ optimizer: { lr: -1 } }, /optimizer\.lr: expected a number > 0/],
      [{ schedule: { warmupSteps: 100 } }, /schedule\.warmupSteps: expected an integer >= 0 and <= 6/],
      [{ eval: { batchSize: 0 } }, /eval\.batchSize: expected an integer >= 1/],
      [
        { data: { dir: join(tempDir(), 'missing') } },
        /loadDataset: .*dataset\.json: expected a readable dataset\.json/,
      ],
      [{ lerningRate: 1 } as never, /lerningRate: expected one of the known fields/],
      [{ steps: 0 }, /steps: expected an integer >= 1/],
      [{ precision: 'bf16' as never }, /precision: expected one of "f32", "f16-mixed", "f64"/],
    ];
    for (const [over, message] of cases) {
      const c = config(over);
      const error = await train(c).catch((e: unknown) => e);
      expect(String(error)).toMatch(message);
      expect(existsSync(c.outDir)).toBe(false); // nothing written
    }
    const first = config({ steps: 1, eval: { every: 0, batches: 1 } });
    await train(first);
    const again = await train(first).catch((e: unknown) => e);
    expect(TrainerConfigError.isInstance(again)).toBe(true);
    expect(String(again)).toMatch(/resume: expected an outDir without checkpoints .*hint: pass resume: true/);
  }, 60_000);
});
