/**
 * `sampleTokens` on a row it cannot sample (a NaN or +Infinity logit, or no logit above -Infinity)
 * returns NON_FINITE_ROW (-1) for that row on both backends, greedy or not, while the other rows of
 * the batch are sampled as usual: the decoding loop learns of a broken model from the ids it reads
 * anyway, without reading the logits back.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NON_FINITE_ROW, nonFiniteScores } from '../src/index.js';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { host, openWebGPU, runBoth, toHalf } from './webgpu-helpers.js';

const V = 300; // more than one element per thread of the 256-wide workgroup
const NaN_ = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const NEG = Number.NEGATIVE_INFINITY;

/** Rows: 0 one NaN at the end, 1 all NaN, 2 one +Infinity, 3 all -Infinity, 4 fine, 5 fine with -Infinity. */
function logits(): { data: Float32Array; bad: boolean[] } {
  const data = new Float32Array(6 * V);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 3;
  data[V - 1] = NaN_;
  data.fill(NaN_, V, 2 * V);
  data[2 * V + 17] = INF;
  data.fill(NEG, 3 * V, 4 * V);
  for (let j = 0; j < V; j += 3) data[5 * V + j] = NEG;
  return { data, bad: [true, true, true, true, false, false] };
}

const settings = [
  ['greedy', { temperature: 0, topK: 0, topP: 1, minP: 0 }],
  ['plain sampling', { temperature: 1, topK: 0, topP: 1, minP: 0 }],
  ['top-k + top-p + min-p', { temperature: 0.8, topK: 20, topP: 0.9, minP: 0.05 }],
] as const;

describe('nonFiniteScores', () => {
  it('names NaN, +Infinity and rows with nothing left, and accepts -Infinity as a removed token', () => {
    expect(nonFiniteScores([0, NaN_, NaN_])).toBe('NaN at 2 of 3 ids (first: id 1)');
    expect(nonFiniteScores([INF, NaN_, 1])).toBe('NaN at 1 and +Infinity at 1 of 3 ids (first: id 0)');
    expect(nonFiniteScores([NEG, NEG])).toBe('no score above -Infinity (2 ids)');
    expect(nonFiniteScores([])).toBe('no score above -Infinity (0 ids)');
    expect(nonFiniteScores([NEG, -1e30, 3])).toBeNull();
  });
});

const gpu = await openWebGPU();
afterAll(() => gpu.backend?.dispose());
const backend = gpu.backend as WebGPUBackend;

describe.skipIf(gpu.skip)(gpu.title('sampleTokens marks unsampleable rows on both backends'), () => {
  for (const [name, attrs] of settings) {
    it(`${name}: -1 for the broken rows, the same ids as the CPU elsewhere`, async () => {
      const { data, bad } = logits();
      const inputs = { logits: host([6, V], data) };
      const { cpu, gpu: dev } = await runBoth(backend, 'sampleTokens', inputs, {
        ...attrs,
        seed: 5,
        offset: 2,
      });
      const cpuIds = Array.from(cpu.ids!);
      const gpuIds = Array.from(dev.ids!);
      bad.forEach((isBad, r) => {
        if (isBad) {
          expect(cpuIds[r], `cpu row ${r}`).toBe(NON_FINITE_ROW);
          expect(gpuIds[r], `gpu row ${r}`).toBe(NON_FINITE_ROW);
        } else {
          expect(cpuIds[r]).toBeGreaterThanOrEqual(0);
          expect(gpuIds[r], `gpu row ${r}`).toBe(cpuIds[r]);
        }
      });
    });
  }

  it.skipIf(!backend?.caps.f16)('f16 logits: the same flags', async () => {
    const { data, bad } = logits();
    const { half, rounded } = toHalf({ logits: host([6, V], data) });
    const attrs = { ...settings[2][1], seed: 5, offset: 2 };
    const { cpu, gpu: dev } = await runBoth(
      backend,
      'sampleTokens',
      rounded,
      attrs,
      {},
      { inputs: half, inouts: {} },
    );
    bad.forEach((isBad, r) => {
      expect(dev.ids![r], `gpu row ${r}`).toBe(isBad ? NON_FINITE_ROW : cpu.ids![r]);
    });
  });
});
