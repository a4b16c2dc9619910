import { createCpuBackend, noGrad, tidy } from '@llmforge/tensor-gpu';
import { type Model, toIdsTensor } from '@llmforge/transformer';
import { fromPretrained } from '@llmforge/transformer/node';
import { afterAll, describe, expect, it } from 'vitest';
import { analyse, attentionProbabilities } from '../src/engine/analysis.js';
import { FIXTURES, maxAbsDiff } from './helpers.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

/**
 * What the attention module computes from the probabilities: y = o(merge_heads(A · v)), on the host
 * in float64, for comparison with the fused kernel's output.
 */
async function recompose(
  model: Model,
  layer: number,
  x: ReturnType<Model['embed']>,
  A: Float32Array,
  offset: number,
) {
  const c = model.config;
  const attn = model.h.at(layer)!.attn;
  const T = x.shape[1]!;
  const { nHead: nh, nKvHead: nkv, headDim: hs, nEmbd: C } = c;
  const kept = tidy(() =>
    noGrad(() => {
      const h = model.h.at(layer)!.ln1.forward(x);
      return { v: attn.v.forward(h), reference: attn.forward(h) }; // (1, T, nkv·hs), (1, T, C)
    }),
  );
  const v = await kept.v.data();
  const reference = await kept.reference.data();
  const ow = await attn.o.weight.data(); // (C, nh·hs)
  const ob = attn.o.bias ? await attn.o.bias.data() : null;
  kept.v.dispose();
  kept.reference.dispose();
  const merged = new Float64Array(T * nh * hs);
  for (let h = 0; h < nh; h++) {
    const kvh = Math.floor(h / (nh / nkv));
    for (let t = 0; t < T; t++) {
      for (let s = 0; s <= t; s++) {
        const a = A[offset + (h * T + t) * T + s]!;
        for (let i = 0; i < hs; i++) merged[t * nh * hs + h * hs + i]! += a * v[s * nkv * hs + kvh * hs + i]!;
      }
    }
  }
  const y = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < C; o++) {
      let sum = ob ? ob[o]! : 0;
      for (let j = 0; j < nh * hs; j++) sum += merged[t * nh * hs + j]! * ow[o * nh * hs + j]!;
      y[t * C + o] = sum;
    }
  }
  return { y, reference };
}

describe.each(['gpt2-tiny', 'llama-tiny'])('analyse on %s', (name) => {
  const ids = [17, 4, 61, 33, 8, 90, 2, 5, 11, 40];

  it('returns the logits model.forward gives for the last position', async () => {
    const model = await fromPretrained(`${FIXTURES}/${name}`, { backend });
    const a = await analyse(model, ids);
    const { logits } = model.forward([ids]);
    const V = model.config.vocabSize;
    const last = (await logits!.data()).subarray((ids.length - 1) * V);
    logits!.dispose();
    expect(maxAbsDiff(a.logits, last)).toBeLessThan(1e-5);
    model.dispose();
  });

  it("gives probability rows that, times v and through o, reproduce each block's attention output", async () => {
    const model = await fromPretrained(`${FIXTURES}/${name}`, { backend });
    const a = await analyse(model, ids);
    const T = ids.length;
    const { nLayer, nHead } = model.config;
    expect(a.attention.length).toBe(nLayer * nHead * T * T);
    // causal rows summing to one
    for (let r = 0; r < nLayer * nHead * T; r++) {
      const t = r % T;
      let sum = 0;
      for (let s = 0; s < T; s++) {
        const p = a.attention[r * T + s]!;
        if (s > t) expect(p).toBe(0);
        sum += p;
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    }
    // the input of each block, from the model's own modules
    let x = noGrad(() => model.embed(toIdsTensor('test', 'ids', [ids], backend, model.config.vocabSize)));
    for (let l = 0; l < nLayer; l++) {
      const { y, reference } = await recompose(model, l, x, a.attention, l * nHead * T * T);
      expect(maxAbsDiff(y, reference)).toBeLessThan(2e-5);
      const next = noGrad(() => model.h.at(l)!.forward(x));
      x.dispose();
      x = next;
    }
    x.dispose();
    model.dispose();
  });
});

describe('attentionProbabilities', () => {
  it('is softmax(q·k / √hs) over the keys up to the query (worked example)', () => {
    const out = new Float32Array(4);
    attentionProbabilities(Float32Array.from([0, 1]), Float32Array.from([0, 2]), 1, 1, 2, 1, out, 0);
    const e = Math.exp(2);
    expect(maxAbsDiff(out, [1, 0, 1 / (1 + e), e / (1 + e)])).toBeLessThan(1e-7);
  });
});
