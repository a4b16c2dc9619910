import { describe, expect, it } from 'vitest';
import {
  addLayerNorm,
  addRmsNorm,
  attention,
  crossEntropy,
  dropout,
  layerNorm,
  linear,
  logSoftmax,
  maskedAttention,
  matmul,
  rmsNorm,
  rope,
  softmax,
  tensor,
} from '../src/index.js';
import { cpu, gradcheck, uniformIn } from './gradcheck-helpers.js';

describe('gradcheck: softmax', () => {
  it('softmax last axis', () => gradcheck([{ shape: [3, 5], init: uniformIn(-3, 3) }], (x) => softmax(x)));
  it('logSoftmax last axis', () =>
    gradcheck([{ shape: [3, 5], init: uniformIn(-3, 3) }], (x) => logSoftmax(x)));
  it('softmax over axis 0', () => gradcheck([{ shape: [4, 3] }], (x) => softmax(x, 0)));
  it('logSoftmax over a middle axis', () => gradcheck([{ shape: [2, 4, 3] }], (x) => logSoftmax(x, 1)));
});

describe('gradcheck: norms', () => {
  it('layerNorm with weight and bias', () =>
    gradcheck([{ shape: [2, 3, 6] }, { shape: [6] }, { shape: [6] }], (x, w, b) => layerNorm(x, w, b, 1e-5)));
  it('layerNorm with weight only', () =>
    gradcheck([{ shape: [3, 7] }, { shape: [7] }], (x, w) => layerNorm(x, w, null, 1e-5)));
  it('rmsNorm without weight', () => gradcheck([{ shape: [3, 7] }], (x) => rmsNorm(x, null, 1e-6)));
  it('layerNorm without affine', () => gradcheck([{ shape: [4, 5] }], (x) => layerNorm(x, null, null, 1e-5)));
  it('rmsNorm', () => gradcheck([{ shape: [2, 3, 6] }, { shape: [6] }], (x, w) => rmsNorm(x, w, 1e-6)));
});

describe('gradcheck: attention', () => {
  const cases: { name: string; q: number[]; k: number[]; causal: boolean }[] = [
    { name: 'MHA', q: [2, 2, 3, 4], k: [2, 2, 3, 4], causal: false },
    { name: 'MHA causal', q: [1, 2, 4, 4], k: [1, 2, 4, 4], causal: true },
    { name: 'GQA causal (H=4, Hkv=2)', q: [1, 4, 3, 4], k: [1, 2, 3, 4], causal: true },
    { name: 'MQA (Hkv=1)', q: [2, 3, 2, 4], k: [2, 1, 5, 4], causal: false },
    { name: 'causal with KV-cache offset (T=2, S=5)', q: [1, 2, 2, 4], k: [1, 1, 5, 4], causal: true },
  ];
  for (const c of cases) {
    it(c.name, () =>
      gradcheck([{ shape: c.q }, { shape: c.k }, { shape: c.k }], (q, k, v) =>
        attention(q, k, v, { causal: c.causal }),
      ),
    );
  }
  it('custom scale', () =>
    gradcheck([{ shape: [1, 1, 3, 4] }, { shape: [1, 1, 3, 4] }, { shape: [1, 1, 3, 4] }], (q, k, v) =>
      attention(q, k, v, { scale: 0.9 }),
    ));
});

describe('gradcheck: cross entropy', () => {
  const targets = tensor([2, -100, 0, 4, 1, 3], [6], 'i32', cpu);
  it('mean with ignoreIndex', () =>
    gradcheck([{ shape: [6, 5], init: uniformIn(-2, 2) }], (l) => crossEntropy(l, targets)));
  it('sum', () => gradcheck([{ shape: [6, 5] }], (l) => crossEntropy(l, targets, { reduction: 'sum' })));
  it('none (per-row −log p, for PPO)', () =>
    gradcheck([{ shape: [6, 5] }], (l) => crossEntropy(l, targets, { reduction: 'none' })));
  it('weights, mean', () => {
    const weights = tensor([0.5, 1, 2, 0, 1, 1.5], [6], 'f64', cpu);
    gradcheck([{ shape: [6, 5] }], (l) => crossEntropy(l, targets, { weights }));
  });
  it('mean with every target ignored: 0 and zero gradients, not NaN (a fully masked batch)', () => {
    const none = tensor([-100, -100, -100], [3], 'i32', cpu);
    const zeroW = tensor([0, 0, 0], [3], 'f64', cpu);
    for (const weights of [undefined, zeroW]) {
      const l = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3], 'f64', cpu).requireGrad();
      const t = weights ? tensor([0, 1, 2], [3], 'i32', cpu) : none;
      const loss = crossEntropy(l, t, weights ? { weights } : {});
      expect(loss.dataSync()[0]).toBe(0);
      loss.backward();
      expect(Array.from(l.grad!.dataSync())).toEqual(new Array(9).fill(0));
    }
  });
  it('3-D logits (B,T,V) with (B,T) targets', () => {
    const t2 = tensor(
      [
        [1, 2, -100],
        [0, 0, 3],
      ],
      undefined,
      'i32',
      cpu,
    );
    gradcheck([{ shape: [2, 3, 4] }], (l) => crossEntropy(l, t2));
  });
});

describe('gradcheck: rope and dropout', () => {
  it('rope', () => gradcheck([{ shape: [1, 2, 3, 6] }], (x) => rope(x, { theta: 100 })));
  it('rope with position offset', () => gradcheck([{ shape: [2, 1, 2, 4] }], (x) => rope(x, { offset: 7 })));
  it('dropout (mask regenerated in backward)', () =>
    // the same (seed, offset) for every evaluation: the function is then linear in x
    gradcheck([{ shape: [4, 6] }], (x) => dropout(x, 0.3, { seed: 5, offset: 11 })));
});

describe('maskedAttention (composed, arbitrary masks)', () => {
  it('equals the fused kernel for causal GQA without a mask', () => {
    const q = tensor(
      Float64Array.from({ length: 2 * 4 * 3 * 4 }, (_, i) => Math.sin(i)),
      [2, 4, 3, 4],
      'f64',
      cpu,
    );
    const k = tensor(
      Float64Array.from({ length: 2 * 2 * 5 * 4 }, (_, i) => Math.cos(i)),
      [2, 2, 5, 4],
      'f64',
      cpu,
    );
    const v = tensor(
      Float64Array.from({ length: 2 * 2 * 5 * 4 }, (_, i) => Math.sin(3 * i)),
      [2, 2, 5, 4],
      'f64',
      cpu,
    );
    const a = attention(q, k, v, { causal: true }).dataSync();
    const b = maskedAttention(q, k, v, { causal: true }).dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 12);
  });
  it('gradcheck with a key padding mask, causal, GQA', () => {
    // batch 0 sees all 4 keys, batch 1 is left-padded: keys 0 and 1 are padding
    const mask = tensor([1, 1, 1, 1, 0, 0, 1, 1], [2, 1, 1, 4], 'f64', cpu);
    gradcheck([{ shape: [2, 2, 4, 4] }, { shape: [2, 1, 4, 4] }, { shape: [2, 1, 4, 4] }], (q, k, v) =>
      maskedAttention(q, k, v, { mask, causal: true }),
    );
  });
  it('a query with no visible key gives zeros (not NaN)', () => {
    const mask = tensor([0, 0, 1], [1, 1, 1, 3], 'f64', cpu);
    const q = tensor(new Float64Array(6).fill(0.5), [1, 1, 2, 3], 'f64', cpu);
    const k = tensor(new Float64Array(9).fill(0.1), [1, 1, 3, 3], 'f64', cpu);
    // causal with T=2, S=3: query 0 sees keys 0..1, both padding → no visible key
    const o = maskedAttention(q, k, k, { mask, causal: true }).dataSync();
    expect(Array.from(o.slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(o.slice(3), (x) => Number(x.toFixed(6)))).toEqual([0.1, 0.1, 0.1]);
  });
});

describe('gradcheck: fused linear and residual add + norm', () => {
  for (const activation of ['none', 'gelu_erf', 'gelu_tanh', 'silu'] as const) {
    it(`linear with bias, ${activation}`, () =>
      gradcheck([{ shape: [2, 3, 5] }, { shape: [4, 5] }, { shape: [4] }], (x, w, b) =>
        linear(x, w, b, { activation }),
      ));
  }
  it('linear without bias, relu (inputs away from the kink)', () =>
    gradcheck(
      [
        { shape: [3, 5], init: uniformIn(0.2, 1) },
        { shape: [4, 5], init: uniformIn(0.2, 1) },
      ],
      (x, w) => linear(x, w, null, { activation: 'relu' }),
    ));
  it('addLayerNorm: both outputs used', () =>
    gradcheck([{ shape: [2, 3, 6] }, { shape: [2, 3, 6] }, { shape: [6] }, { shape: [6] }], (x, r, w, b) => {
      const { sum, y } = addLayerNorm(x, r, w, b, 1e-5);
      return sum.mul(y);
    }));
  it('addRmsNorm: both outputs used', () =>
    gradcheck([{ shape: [3, 7] }, { shape: [3, 7] }, { shape: [7] }], (x, r, w) => {
      const { sum, y } = addRmsNorm(x, r, w, 1e-6);
      return sum.add(y.square());
    }));
});

describe('gradcheck: gradients summed in place (an input feeding several ops)', () => {
  it('linear, matmul and the norms adding into an accumulated gradient', () =>
    gradcheck(
      [{ shape: [3, 6] }, { shape: [5, 6] }, { shape: [5] }, { shape: [6, 4] }, { shape: [6] }],
      (x, w, b, v, g) => {
        const h = x.mul(1.5); // h feeds five ops: its gradient is a sum
        const a = linear(h, w, b, { activation: 'gelu_erf' }).sum(-1, { keepDims: true });
        const c = matmul(h, v).sum(-1, { keepDims: true });
        const d = layerNorm(h, g, null, 1e-5).mul(rmsNorm(h, g, 1e-6));
        return d.add(a).add(c).add(h.square());
      },
    ));
});
