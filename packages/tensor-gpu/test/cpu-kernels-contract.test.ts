/**
 * The contract wrappers of G4's kernels: output shapes come from `inferOutputs`, storages are plain
 * typed arrays (what the CPU backend hands kernels), and results agree with the pure functions tested
 * in the other `cpu-kernels-*.test.ts` files.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceTensor } from '../src/backend/backend.js';
import { allocArray, type DType, type TypedArray } from '../src/backend/dtype.js';
import { inferOutputs } from '../src/backend/ops.js';
import { adamwKernel } from '../src/cpu/kernels/adamw.js';
import { attentionBackwardKernel, attentionKernel } from '../src/cpu/kernels/attention.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from '../src/cpu/kernels/cross-entropy.js';
import { layerNormBackwardKernel, layerNormKernel } from '../src/cpu/kernels/layer-norm.js';
import { matmulKernel } from '../src/cpu/kernels/matmul.js';
import { rmsNormBackwardKernel, rmsNormKernel } from '../src/cpu/kernels/rms-norm.js';
import { ropeKernel } from '../src/cpu/kernels/rope.js';
import { logSoftmaxKernel, softmaxBackwardKernel, softmaxKernel } from '../src/cpu/kernels/softmax.js';
import { maxAbsDiff, randn64 } from './cpu-kernels-helpers.js';

type T = DeviceTensor<TypedArray>;

function tensor(data: TypedArray, shape: number[], dtype: DType): T {
  return { storage: data, shape, dtype };
}

function f64(shape: number[], seed: number): T {
  return tensor(
    randn64(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
    'f64',
  );
}

/** Allocates the outputs `inferOutputs` describes, filled with NaN so unwritten entries show. */
function alloc<O extends Record<string, { shape: readonly number[]; dtype: DType }>>(
  metas: O,
): {
  [K in keyof O]: T;
} {
  const out: Record<string, T> = {};
  for (const [name, m] of Object.entries(metas)) {
    const data = allocArray(
      m.dtype,
      m.shape.reduce((a, b) => a * b, 1),
    );
    if (data instanceof Float32Array || data instanceof Float64Array) data.fill(Number.NaN);
    out[name] = tensor(data, [...m.shape], m.dtype);
  }
  return out as { [K in keyof O]: T };
}

const allFinite = (t: T) => Array.from(t.storage).every(Number.isFinite);

describe('G4 kernels through the op contract', () => {
  it('matmul with broadcast batch and transB', () => {
    const a = f64([2, 3, 4], 1);
    const b = f64([5, 4], 2);
    const attrs = { transA: false, transB: true };
    const outputs = alloc(inferOutputs('matmul', { a, b }, {}, attrs));
    expect(outputs.y.shape).toEqual([2, 3, 5]);
    matmulKernel({ inputs: { a, b }, outputs, inouts: {}, attrs });
    const y = outputs.y.storage;
    let s = 0;
    for (let p = 0; p < 4; p++) s += a.storage[1 * 12 + 2 * 4 + p]! * b.storage[3 * 4 + p]!;
    expect(y[1 * 15 + 2 * 5 + 3]).toBeCloseTo(s, 12);
    expect(allFinite(outputs.y)).toBe(true);
  });

  it('softmax, logSoftmax and softmaxBackward', () => {
    const x = f64([2, 3, 7], 3);
    const sm = alloc(inferOutputs('softmax', { x }, {}, {}));
    softmaxKernel({ inputs: { x }, outputs: sm, inouts: {}, attrs: {} });
    const lsm = alloc(inferOutputs('logSoftmax', { x }, {}, {}));
    logSoftmaxKernel({ inputs: { x }, outputs: lsm, inouts: {}, attrs: {} });
    expect(maxAbsDiff(Array.from(lsm.y.storage, Math.exp), sm.y.storage)).toBeLessThan(1e-15);
    const dy = f64([2, 3, 7], 4);
    const back = alloc(inferOutputs('softmaxBackward', { y: sm.y, dy }, {}, { log: false }));
    softmaxBackwardKernel({ inputs: { y: sm.y, dy }, outputs: back, inouts: {}, attrs: { log: false } });
    expect(allFinite(back.dx)).toBe(true);
  });

  it('layerNorm + backward, rmsNorm + backward write every output', () => {
    const x = f64([2, 3, 8], 5);
    const weight = f64([8], 6);
    const bias = f64([8], 7);
    const dy = f64([2, 3, 8], 8);
    const ln = alloc(inferOutputs('layerNorm', { x, weight, bias }, {}, { eps: 1e-5 }));
    layerNormKernel({ inputs: { x, weight, bias }, outputs: ln, inouts: {}, attrs: { eps: 1e-5 } });
    expect(ln.mean.shape).toEqual([2, 3]);
    const lnIn = { x, weight, mean: ln.mean, rstd: ln.rstd, dy };
    const lnb = alloc(inferOutputs('layerNormBackward', lnIn, {}, {}));
    layerNormBackwardKernel({ inputs: lnIn, outputs: lnb, inouts: {}, attrs: {} });
    for (const t of [ln.y, ln.mean, ln.rstd, lnb.dx, lnb.dweight, lnb.dbias]) expect(allFinite(t)).toBe(true);
    // dbias is the column sum of dy
    let s = 0;
    for (let r = 0; r < 6; r++) s += dy.storage[r * 8 + 3]!;
    expect(lnb.dbias.storage[3]).toBeCloseTo(s, 12);

    const rn = alloc(inferOutputs('rmsNorm', { x, weight }, {}, { eps: 1e-6 }));
    rmsNormKernel({ inputs: { x, weight }, outputs: rn, inouts: {}, attrs: { eps: 1e-6 } });
    const rnIn = { x, weight, rstd: rn.rstd, dy };
    const rnb = alloc(inferOutputs('rmsNormBackward', rnIn, {}, {}));
    rmsNormBackwardKernel({ inputs: rnIn, outputs: rnb, inouts: {}, attrs: {} });
    for (const t of [rn.y, rn.rstd, rnb.dx, rnb.dweight]) expect(allFinite(t)).toBe(true);
  });

  it('attention + backward (GQA, causal)', () => {
    const q = f64([1, 4, 6, 8], 9);
    const k = f64([1, 2, 6, 8], 10);
    const v = f64([1, 2, 6, 8], 11);
    const attrs = { causal: true, scale: 1 / Math.sqrt(8) };
    const fwd = alloc(inferOutputs('attention', { q, k, v }, {}, attrs));
    attentionKernel({ inputs: { q, k, v }, outputs: fwd, inouts: {}, attrs });
    // the first query sees only the first key: o = v[0] of its kv head (h 0,1 → kv 0)
    expect(maxAbsDiff(fwd.o.storage.subarray(0, 8), v.storage.subarray(0, 8))).toBeLessThan(1e-15);
    const dout = f64([1, 4, 6, 8], 12);
    const bIn = { q, k, v, o: fwd.o, lse: fwd.lse, dout };
    const bwd = alloc(inferOutputs('attentionBackward', bIn, {}, attrs));
    attentionBackwardKernel({ inputs: bIn, outputs: bwd, inouts: {}, attrs });
    for (const t of [fwd.o, fwd.lse, bwd.dq, bwd.dk, bwd.dv]) expect(allFinite(t)).toBe(true);
  });

  it('crossEntropy + backward with and without weights', () => {
    const logits = f64([4, 5], 13);
    const targets = tensor(new Int32Array([0, 4, -100, 2]), [4], 'i32');
    const weights = tensor(new Float64Array([1, 2, 3, 0.5]), [4], 'f64');
    const attrs = { ignoreIndex: -100 };
    const plain = alloc(inferOutputs('crossEntropy', { logits, targets }, {}, attrs));
    crossEntropyKernel({ inputs: { logits, targets }, outputs: plain, inouts: {}, attrs });
    const weighted = alloc(inferOutputs('crossEntropy', { logits, targets, weights }, {}, attrs));
    crossEntropyKernel({ inputs: { logits, targets, weights }, outputs: weighted, inouts: {}, attrs });
    expect(weighted.loss.storage[1]).toBeCloseTo(2 * plain.loss.storage[1]!, 12);
    expect(plain.loss.storage[2]).toBe(0);
    const dloss = tensor(new Float64Array([1, 1, 1, 1]), [4], 'f64');
    const bIn = { logits, targets, weights, lse: weighted.lse, dloss };
    const back = alloc(inferOutputs('crossEntropyBackward', bIn, {}, attrs));
    crossEntropyBackwardKernel({ inputs: bIn, outputs: back, inouts: {}, attrs });
    // each non-ignored row of dlogits sums to 0 (softmax − onehot)
    const row0 = Array.from(back.dlogits.storage.subarray(0, 5)).reduce((a, b) => a + b, 0);
    expect(Math.abs(row0)).toBeLessThan(1e-15);
    expect(allFinite(back.dlogits)).toBe(true);
  });

  it('rope forward then inverse is the identity; adamw updates in place', () => {
    const x = f64([1, 2, 3, 4], 14);
    const fwd = alloc(inferOutputs('rope', { x }, {}, { theta: 10000, offset: 2, inverse: false }));
    ropeKernel({
      inputs: { x },
      outputs: fwd,
      inouts: {},
      attrs: { theta: 10000, offset: 2, inverse: false },
    });
    const inv = alloc(inferOutputs('rope', { x: fwd.y }, {}, { theta: 10000, offset: 2, inverse: true }));
    ropeKernel({
      inputs: { x: fwd.y },
      outputs: inv,
      inouts: {},
      attrs: { theta: 10000, offset: 2, inverse: true },
    });
    expect(maxAbsDiff(inv.y.storage, x.storage)).toBeLessThan(1e-14);

    const param = tensor(new Float32Array([1, -1]), [2], 'f32');
    const m = tensor(new Float32Array(2), [2], 'f32');
    const v = tensor(new Float32Array(2), [2], 'f32');
    const grad = tensor(new Float32Array([0.5, -0.25]), [2], 'f32');
    const attrs = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 };
    inferOutputs('adamw', { grad }, { param, m, v }, attrs);
    adamwKernel({ inputs: { grad }, outputs: {}, inouts: { param, m, v }, attrs });
    // the first Adam step moves each parameter by ≈ lr against the sign of its gradient
    expect(param.storage[0]).toBeCloseTo(0.9, 6);
    expect(param.storage[1]).toBeCloseTo(-0.9, 6);
  });
});
