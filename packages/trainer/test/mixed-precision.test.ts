import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LossScaler, type TrainConfig } from '../src/index.js';
import { train } from '../src/node.js';
import { sampleDataset, tinyRun } from './helpers/fixtures.js';

let data = '';
beforeAll(async () => {
  data = await sampleDataset();
}, 60_000);

const config = (over: Partial<TrainConfig>): TrainConfig =>
  tinyRun(data, { steps: 20, seqLen: 16, eval: { every: 0, batches: 4 }, ...over });

describe('mixed precision (f16 compute, f32 master weights, dynamic loss scaling) on the CPU f16 path', () => {
  it('follows the f32 loss curve within the noise between two f32 seeds', async () => {
    const f32 = await train(config({ precision: 'f32' }));
    const f16 = await train(config({ precision: 'f16-mixed' }));
    const other = await train(config({ precision: 'f32', seed: 7 }));
    const gap = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)).slice(5));
    const mixedGap = gap(f32.losses, f16.losses);
    const seedGap = gap(f32.losses, other.losses);
    expect(mixedGap).toBeLessThan(0.01); // measured 5e-5 here; two f32 seeds differ by ~0.2
    expect(mixedGap).toBeLessThan(seedGap);
    expect(Math.abs(f16.valLoss - f32.valLoss)).toBeLessThan(0.02);
  }, 120_000);

  it('backs off from an overflowing loss scale, skipping those steps, then trains', async () => {
    const c = config({ precision: 'f16-mixed', lossScale: { initial: 2 ** 28 } });
    const r = await train(c);
    const scales = readFileSync(join(c.outDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((x) => x.type === 'train')
      .map((x) => x.lossScale as number);
    expect(scales[0]).toBe(2 ** 27); // step 1 overflowed in f16: skipped, scale halved
    const final = scales[scales.length - 1]!;
    expect(final).toBeLessThan(2 ** 27);
    const skipped = Math.log2(2 ** 28 / final);
    expect(skipped).toBeLessThan(15); // most steps trained
    expect(Number.isFinite(r.valLoss)).toBe(true);
    expect(r.losses[19]!).toBeLessThan(r.losses[0]!);
  }, 120_000);

  it('LossScaler halves on overflow and doubles after growthInterval clean steps', () => {
    const s = new LossScaler({ initial: 1024, growthInterval: 3 });
    s.update(false);
    expect(s.scale).toBe(512);
    s.update(true);
    s.update(true);
    expect(s.scale).toBe(512);
    s.update(true);
    expect(s.scale).toBe(1024);
    expect(s.state()).toEqual({ scale: 1024, goodSteps: 0 });
  });
});
