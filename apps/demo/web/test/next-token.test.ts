import { generate, processLogits } from '@llmforge/sampler';
import { createCpuBackend, RandomGenerator, softmaxRow } from '@llmforge/tensor-gpu';
import { fromPretrained } from '@llmforge/transformer/node';
import { afterAll, describe, expect, it } from 'vitest';
import { filterStages, sampleNext, topIds } from '../src/engine/next-token.js';
import { FIXTURES, maxAbsDiff } from './helpers.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

const SETTINGS = [
  {},
  { temperature: 0.7 },
  { temperature: 0 },
  { topK: 5 },
  { topP: 0.9 },
  { temperature: 1.3, topK: 20, topP: 0.8 },
  { temperature: 0.9, minP: 0.05 },
  { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.02 },
];

describe('filterStages', () => {
  it('gives the worked example of the file comment', () => {
    const s = filterStages(Float32Array.from([2, 1, 0, -1]), { topK: 3, topP: 0.9 });
    expect(s.fate).toEqual(['kept', 'kept', 'top-p', 'top-k']);
    const e = Math.exp(1);
    expect(maxAbsDiff(s.final, [e / (1 + e), 1 / (1 + e), 0, 0])).toBeLessThan(1e-12);
    expect(s.kept).toBe(2);
  });

  it.each(SETTINGS)(
    "ends at the sampler's distribution (processLogits + softmax) with %j",
    async (filters) => {
      const model = await fromPretrained(`${FIXTURES}/gpt2-tiny`, { backend });
      const { logits } = model.forward([[54, 25, 63, 59, 6]], { logits: 'last' });
      const row = await logits!.data();
      logits!.dispose();
      const s = filterStages(row, filters);
      // processLogits hands its float64 scores back as float32: the same tokens, probabilities to ~1e-9
      const reference = softmaxRow(processLogits(row, [], filters));
      expect(maxAbsDiff(s.final, reference)).toBeLessThan(1e-7);
      expect(Array.from(s.final, (p) => p > 0)).toEqual(Array.from(reference, (p) => p > 0));
      expect(maxAbsDiff(s.model, softmaxRow(Float64Array.from(row)))).toBe(0);
      // a token is kept exactly when it has probability in the final distribution
      expect(s.fate.map((f) => f === 'kept')).toEqual(Array.from(s.final, (p) => p > 0));
      expect(s.kept).toBe(s.fate.filter((f) => f === 'kept').length);
      model.dispose();
    },
  );
});

describe('sampleNext', () => {
  it("picks the token @llmforge/sampler's generate picks with the same seed and filters", async () => {
    const model = await fromPretrained(`${FIXTURES}/gpt2-tiny`, { backend });
    const prompt = [10, 20, 30];
    for (const [seed, filters] of SETTINGS.entries()) {
      const { logits } = model.forward([prompt], { logits: 'last' });
      const row = await logits!.data();
      logits!.dispose();
      const ours = sampleNext(filterStages(row, filters), new RandomGenerator(seed));
      const theirs = await generate(model, prompt, {
        ...filters,
        seed,
        maxNewTokens: 1,
        deviceSampling: false,
      });
      expect(ours).toBe(theirs.sequences[0]!.at(-1));
    }
    model.dispose();
  });
});

describe('topIds', () => {
  it('orders by probability, smaller id first on ties', () => {
    expect(topIds([0.1, 0.4, 0.1, 0.4], 3)).toEqual([1, 3, 0]);
  });
});
