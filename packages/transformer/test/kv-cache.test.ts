import { createCpuBackend, noGrad } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { type ModelConfigInput, presets } from '../src/config.js';
import { ModelInputError } from '../src/errors.js';
import { createKVCache, KVCache } from '../src/kv-cache.js';
import { createModel, type Model } from '../src/model.js';
import { expectClose } from './helpers/fixtures.js';

const base: ModelConfigInput = {
  ...presets['tiny-gpt'],
  vocabSize: 50,
  contextLength: 24,
  nLayer: 2,
  nEmbd: 32,
};

const variants: [string, ModelConfigInput][] = [
  ['learned positions (GPT-2)', base],
  ['sinusoidal positions', { ...base, positions: 'sinusoidal' }],
  [
    'rope + GQA (Llama)',
    { ...presets['tiny-llama'], vocabSize: 50, contextLength: 24, nLayer: 2, nEmbd: 32 },
  ],
  [
    'rope + MQA',
    { ...base, positions: 'rope', nKvHead: 1, norm: 'rmsnorm', activation: 'swiglu', bias: false },
  ],
];

const ids = [
  [3, 14, 15, 9, 26, 5, 35, 8, 9, 7],
  [27, 1, 8, 28, 18, 2, 8, 4, 5, 9],
];

/** Logits of the full sequence without a cache: (B, T, V) host copy. */
const full = (model: Model, x: number[][]) => noGrad(() => model.forward(x).logits!.dataSync());

describe('KV cache', () => {
  for (const [label, config] of variants) {
    it(`gives the logits of full recomputation in chunks of 4, 1, 5 (${label})`, () => {
      const model = createModel(config, { backend: createCpuBackend(), seed: 7 }).eval();
      const V = model.config.vocabSize;
      const expected = full(model, ids);
      const cache = createKVCache(model, 2);
      let at = 0;
      for (const n of [4, 1, 5]) {
        const chunk = ids.map((r) => r.slice(at, at + n));
        const got = noGrad(() => model.forward(chunk, { kvCache: cache }).logits!.dataSync());
        const want: number[] = [];
        for (let b = 0; b < 2; b++) want.push(...expected.subarray((b * 10 + at) * V, (b * 10 + at + n) * V));
        expectClose(got, want, 1e-4, 1e-5, `${label}: positions ${at}..${at + n - 1}`);
        at += n;
      }
      expect(cache.length).toBe(10);
      expect(cache.remaining).toBe(14);
      const hs = model.config.headDim;
      // the cache holds nkv heads, not nh: GQA's memory saving
      expect(cache.layers[0]!.k!.shape).toEqual([2, model.config.nKvHead, 10, hs]);
      expect(cache.bytes()).toBe(2 * model.config.nLayer * 2 * model.config.nKvHead * 10 * hs * 4);
      cache.dispose();
      expect(cache.length).toBe(0);
    });
  }

  it('clone() branches and select() replicates or reorders rows', () => {
    const model = createModel(variants[2]![1], { backend: createCpuBackend(), seed: 3 }).eval();
    const V = model.config.vocabSize;
    const cache = createKVCache(model, 2);
    noGrad(() =>
      model.forward(
        ids.map((r) => r.slice(0, 6)),
        { kvCache: cache },
      ),
    );
    const branch = cache.clone();
    const a = noGrad(() => model.forward([[1], [2]], { kvCache: cache }).logits!.dataSync());
    const b = noGrad(() => model.forward([[1], [2]], { kvCache: branch }).logits!.dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(branch.length).toBe(7);
    // select: row 1 twice, then row 0 → continue each with the same token
    const picked = branch.select([1, 1, 0]);
    expect(picked.batch).toBe(3);
    const next = noGrad(() => model.forward([[4], [4], [4]], { kvCache: picked }).logits!.dataSync());
    const seq0 = [...ids[0]!.slice(0, 6), 1, 4];
    const seq1 = [...ids[1]!.slice(0, 6), 2, 4];
    const ref = full(model, [seq1, seq1, seq0]);
    const lastRows = [0, 1, 2].flatMap((r) => Array.from(ref.subarray((r * 8 + 7) * V, (r * 8 + 8) * V)));
    expectClose(next, lastRows, 1e-4, 1e-5, 'selected rows');
    const joined = KVCache.concat([branch, branch]);
    expect(joined.batch).toBe(4);
    expect(joined.length).toBe(7);
    for (const c of [cache, branch, picked, joined]) c.dispose();
  });

  it('rejects wrong batches, other models and overflowing the context', () => {
    const backend = createCpuBackend();
    const model = createModel(base, { backend, seed: 1 }).eval();
    const other = createModel(base, { backend, seed: 2 });
    const cache = createKVCache(model, 1);
    expect(() => model.forward([[1], [2]], { kvCache: cache })).toThrow(/batch of 1/);
    expect(() => other.forward([[1]], { kvCache: cache })).toThrow(ModelInputError);
    noGrad(() => model.forward([Array.from({ length: 20 }, (_, i) => i)], { kvCache: cache }));
    expect(() => model.forward([[1, 2, 3, 4, 5]], { kvCache: cache })).toThrow(/at most 4 new tokens/);
    expect(() => createKVCache(model, 0)).toThrow(/positive integer/);
    expect(() => cache.select([1])).toThrow(/row indices/);
  });
});
