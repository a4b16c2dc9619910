/**
 * The WebAssembly SIMD kernels against the TypeScript reference kernels (`createCpuBackend({ wasm:
 * false })`, which the conformance suite checks against float64 references), on shapes chosen for
 * the kernels' edges: lengths that are not multiples of 4 (vector tails), broadcasts, transposes,
 * GQA attention with T ≠ S, reductions over rows, columns and everything. Each case also runs on
 * three threads with every kernel split, and must give the same bits as one thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpAttrs, OpInputs, OpName } from '../src/backend/ops.js';
import { type CpuBackend, createCpuBackend, randn, runOp, type Tensor, tensor } from '../src/index.js';

let reference: CpuBackend;
let one: CpuBackend;
let three: CpuBackend;

beforeAll(async () => {
  reference = createCpuBackend({ wasm: false, name: 'reference' });
  one = createCpuBackend({ threads: 1, name: 'one' });
  three = createCpuBackend({ threads: 3, minParallelWork: 0, name: 'three' });
  await three.ready();
});
afterAll(() => {
  for (const b of [reference, one, three]) b.dispose();
});

let seed = 1;
/** Normal data scaled by `scale` (host copy, so every backend gets the same values). */
function data(shape: number[], scale = 1, shift = 0): Float32Array {
  const t = randn(shape, { seed: seed++, offset: 0 }, 'f32', reference, shift, scale);
  const d = t.dataSync() as Float32Array;
  t.dispose();
  return d;
}

type Input = { data: Float32Array | Int32Array; shape: number[] };

/** Runs op on a backend; every output's data. */
function run<K extends OpName>(
  backend: CpuBackend,
  op: K,
  inputs: Record<string, Input>,
  attrs: OpAttrs<K>,
  inouts: Record<string, Input> = {},
) {
  const make = (r: Record<string, Input>) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        tensor(v.data, v.shape, v.data instanceof Int32Array ? 'i32' : 'f32', backend),
      ]),
    ) as Record<string, Tensor>;
  const ins = make(inputs);
  const ios = make(inouts);
  const outs = runOp(op, backend, ins as unknown as OpInputs<K, Tensor>, ios as never, attrs) as Record<
    string,
    Tensor
  >;
  const result: Record<string, Float32Array> = {};
  for (const [k, t] of [...Object.entries(outs), ...Object.entries(ios)])
    result[k] = t.dataSync() as Float32Array;
  for (const t of [...Object.values(ins), ...Object.values(ios), ...Object.values(outs)]) t.dispose();
  return result;
}

function check<K extends OpName>(
  op: K,
  inputs: Record<string, Input>,
  attrs: OpAttrs<K>,
  tol = 2e-5,
  inouts: Record<string, Input> = {},
): void {
  const ref = run(reference, op, inputs, attrs, inouts);
  const a = run(one, op, inputs, attrs, inouts);
  const b = run(three, op, inputs, attrs, inouts);
  for (const [k, want] of Object.entries(ref)) {
    const got = a[k]!;
    let worst = 0;
    let at = -1;
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const g = got[i]!;
      if (Number.isNaN(w) || !Number.isFinite(w)) {
        expect(Object.is(g, w) || (Number.isNaN(w) && Number.isNaN(g)), `${k}[${i}]: ${g} vs ${w}`).toBe(
          true,
        );
        continue;
      }
      const err = Math.abs(g - w) / (1 + Math.abs(w));
      if (!(err <= worst)) {
        worst = err;
        at = i;
      }
    }
    expect(
      worst,
      `${op} ${k}: worst relative error at [${at}]: ${got[at]} vs ${want[at]}`,
    ).toBeLessThanOrEqual(tol);
    expect(b[k], `${op} ${k}: 3 threads differ from 1`).toEqual(got);
  }
}

describe('WebAssembly SIMD kernels vs the TypeScript reference', () => {
  it('unary: every kind the kernel implements, with a vector tail', () => {
    const x = { data: data([7, 13], 3), shape: [7, 13] };
    const pos = { data: data([7, 13], 1, 3).map(Math.abs), shape: [7, 13] };
    for (const op of [
      'neg',
      'abs',
      'exp',
      'square',
      'tanh',
      'sigmoid',
      'relu',
      'gelu_erf',
      'gelu_tanh',
      'silu',
    ] as const) {
      check('unary', { x }, { op });
      check('unaryGrad', { x, dy: { data: data([7, 13]), shape: [7, 13] } }, { op }, 5e-5);
    }
    for (const op of ['sqrt', 'rsqrt', 'reciprocal'] as const) {
      check('unary', { x: pos }, { op });
      check('unaryGrad', { x: pos, dy: { data: data([7, 13]), shape: [7, 13] } }, { op });
    }
  });

  it('exp, tanh and GELU over a wide range (large, tiny and extreme inputs)', () => {
    const xs = Float32Array.from({ length: 403 }, (_, i) => (i - 201) * 0.5 + (i % 3) * 1e-4);
    xs[0] = -1e-7;
    xs[1] = 1e-30;
    xs[2] = 120;
    xs[3] = -120;
    for (const op of ['exp', 'tanh', 'gelu_erf', 'gelu_tanh', 'sigmoid'] as const) {
      const x = op === 'exp' ? xs.map((v) => Math.max(-100, Math.min(88, v))) : xs;
      check('unary', { x: { data: x, shape: [403] } }, { op }, 1e-6);
    }
  });

  it('binary: same shapes, row and column broadcasts, scalars; every arithmetic and comparison kind', () => {
    const a = { data: data([5, 2, 9]), shape: [5, 2, 9] };
    const rowB = { data: data([9]), shape: [9] };
    const colB = { data: data([5, 2, 1]), shape: [5, 2, 1] };
    const same = { data: data([5, 2, 9]), shape: [5, 2, 9] };
    const scalar = { data: data([1]), shape: [] };
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'lt', 'ge'] as const) {
      for (const b of [same, rowB, colB, scalar]) {
        check('binary', { a, b }, { op });
        check('binary', { a: b, b: a }, { op });
      }
      check('binaryScalar', { a }, { op, scalar: 0.25, reverse: false });
      check('binaryScalar', { a }, { op, scalar: -1.5, reverse: true });
    }
  });

  it('matmul: transposes, tails, batched and broadcast batch dims', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [5, 3, 7],
      [37, 61, 19],
      [130, 300, 97],
      [9, 515, 600],
    ] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const aShape = transA ? [k, m] : [m, k];
          const bShape = transB ? [n, k] : [k, n];
          check(
            'matmul',
            { a: { data: data(aShape), shape: aShape }, b: { data: data(bShape), shape: bShape } },
            { transA, transB },
            1e-5 * Math.sqrt(k),
          );
        }
      }
    }
    check(
      'matmul',
      { a: { data: data([3, 2, 17, 9]), shape: [3, 2, 17, 9] }, b: { data: data([9, 5]), shape: [9, 5] } },
      { transA: false, transB: false },
    );
    check(
      'matmul',
      {
        a: { data: data([2, 1, 6, 9]), shape: [2, 1, 6, 9] },
        b: { data: data([3, 5, 9]), shape: [3, 5, 9] },
      },
      { transA: false, transB: true },
    );
  });

  it('skinny products (1–3 rows, the decoding path) on both layouts of B', () => {
    for (const m of [1, 2, 3]) {
      for (const [k, n] of [
        [37, 300],
        [128, 65],
      ] as const) {
        for (const transB of [false, true]) {
          const bShape = transB ? [n, k] : [k, n];
          check(
            'matmul',
            { a: { data: data([m, k]), shape: [m, k] }, b: { data: data(bShape), shape: bShape } },
            { transA: false, transB },
            1e-5 * Math.sqrt(k),
          );
        }
      }
    }
  });

  it('softmax, log-softmax and their backward (rows with a tail, a masked row)', () => {
    const x = data([6, 11], 3);
    x.fill(Number.NEGATIVE_INFINITY, 11, 22); // row 1: every entry masked
    for (const op of ['softmax', 'logSoftmax'] as const)
      check(op, { x: { data: x, shape: [6, 11] } }, {}, 1e-6);
    const y = run(reference, 'softmax', { x: { data: data([6, 11]), shape: [6, 11] } }, {}).y!;
    const ly = run(reference, 'logSoftmax', { x: { data: data([6, 11]), shape: [6, 11] } }, {}).y!;
    check(
      'softmaxBackward',
      { y: { data: y, shape: [6, 11] }, dy: { data: data([6, 11]), shape: [6, 11] } },
      { log: false },
      1e-6,
    );
    check(
      'softmaxBackward',
      { y: { data: ly, shape: [6, 11] }, dy: { data: data([6, 11]), shape: [6, 11] } },
      { log: true },
      1e-6,
    );
  });

  it('cross entropy and its backward, with weights and ignored rows', () => {
    const [N, V] = [9, 65];
    const logits = { data: data([N, V], 2), shape: [N, V] };
    const targets = {
      data: Int32Array.from({ length: N }, (_, i) => (i === 4 ? -100 : (i * 17) % V)),
      shape: [N],
    };
    const weights = { data: data([N], 0.5, 1), shape: [N] };
    for (const w of [undefined, weights]) {
      const inputs: Record<string, Input> = w ? { logits, targets, weights: w } : { logits, targets };
      check('crossEntropy', inputs, { ignoreIndex: -100 }, 1e-6);
      const fwd = run(reference, 'crossEntropy', inputs, { ignoreIndex: -100 });
      check(
        'crossEntropyBackward',
        { ...inputs, lse: { data: fwd.lse!, shape: [N] }, dloss: { data: data([N]), shape: [N] } },
        { ignoreIndex: -100 },
        1e-6,
      );
    }
    const bad = { data: Int32Array.from({ length: N }, (_, i) => (i === 3 ? V : 0)), shape: [N] };
    expect(() => run(one, 'crossEntropy', { logits, targets: bad }, { ignoreIndex: -100 })).toThrow(/row 3/);
  });

  it('RMS norm forward and backward', () => {
    for (const [rows, C] of [
      [7, 13],
      [5, 64],
    ] as const) {
      const x = { data: data([rows, C], 2), shape: [rows, C] };
      const weight = { data: data([C], 0.5, 1), shape: [C] };
      check('rmsNorm', { x, weight }, { eps: 1e-6 });
      const fwd = run(reference, 'rmsNorm', { x, weight }, { eps: 1e-6 });
      check(
        'rmsNormBackward',
        {
          x,
          weight,
          rstd: { data: fwd.rstd!, shape: [rows] },
          dy: { data: data([rows, C]), shape: [rows, C] },
        },
        {},
        1e-4,
      );
    }
  });

  it('layer norm forward and backward (C not a multiple of 4)', () => {
    for (const [rows, C] of [
      [7, 13],
      [33, 128],
      [1, 3],
    ] as const) {
      const x = { data: data([rows, C], 2, 0.5), shape: [rows, C] };
      const weight = { data: data([C], 0.5, 1), shape: [C] };
      const bias = { data: data([C]), shape: [C] };
      check('layerNorm', { x, weight, bias }, { eps: 1e-5 });
      const fwd = run(reference, 'layerNorm', { x, weight, bias }, { eps: 1e-5 });
      const mean = { data: fwd.mean!, shape: [rows] };
      const rstd = { data: fwd.rstd!, shape: [rows] };
      check(
        'layerNormBackward',
        { x, weight, mean, rstd, dy: { data: data([rows, C]), shape: [rows, C] } },
        {},
        1e-4,
      );
    }
  });

  // causal attention works on blocks of 16 query rows and 16 keys, skipping the masked ones: the
  // larger cases cross several blocks, with a partial last block and keys offset from the queries
  // (T < S)
  it('attention forward and backward: causal, non-causal, GQA, T < S, several causal blocks', () => {
    for (const [B, H, Hkv, T, S, D, causal] of [
      [2, 4, 4, 9, 9, 8, true],
      [1, 4, 2, 5, 12, 6, true],
      [1, 3, 1, 7, 11, 5, false],
      [1, 2, 2, 1, 17, 16, true],
      [1, 2, 2, 40, 40, 8, true],
      [2, 4, 2, 37, 53, 12, true],
      [1, 2, 2, 64, 64, 32, true],
      [1, 2, 2, 33, 33, 8, false],
    ] as const) {
      const q = { data: data([B, H, T, D]), shape: [B, H, T, D] };
      const k = { data: data([B, Hkv, S, D]), shape: [B, Hkv, S, D] };
      const v = { data: data([B, Hkv, S, D]), shape: [B, Hkv, S, D] };
      const attrs = { causal, scale: 1 / Math.sqrt(D) };
      check('attention', { q, k, v }, attrs, 1e-5);
      const fwd = run(reference, 'attention', { q, k, v }, attrs);
      const o = { data: fwd.o!, shape: [B, H, T, D] };
      const lse = { data: fwd.lse!, shape: [B, H, T] };
      check(
        'attentionBackward',
        { q, k, v, o, lse, dout: { data: data([B, H, T, D]), shape: [B, H, T, D] } },
        attrs,
        1e-4,
      );
    }
  });

  it('permute: heads split and merged, a full transpose, i32 data', () => {
    check('permute', { x: { data: data([3, 5, 4, 6]), shape: [3, 5, 4, 6] } }, { perm: [0, 2, 1, 3] });
    check('permute', { x: { data: data([7, 9]), shape: [7, 9] } }, { perm: [1, 0] });
    check('permute', { x: { data: data([2, 3, 5]), shape: [2, 3, 5] } }, { perm: [2, 0, 1] });
    const ids = Int32Array.from({ length: 60 }, (_, i) => i * 7 - 13);
    check('permute', { x: { data: ids, shape: [3, 4, 5] } }, { perm: [1, 2, 0] });
  });

  it('reduce: rows, columns, all, a middle axis; sum, mean, max, min', () => {
    const x = { data: data([6, 7, 9]), shape: [6, 7, 9] };
    for (const op of ['sum', 'mean', 'max', 'min'] as const) {
      for (const axes of [[2], [0], [1], [0, 1], [1, 2], [0, 1, 2]]) {
        check('reduce', { x }, { op, axes, keepDims: false }, 1e-6);
      }
    }
    check(
      'reduce',
      { x: { data: data([1, 5000]), shape: [1, 5000] } },
      { op: 'sum', axes: [1], keepDims: true },
      1e-6,
    );
  });

  it('adamw: in place, with a tail', () => {
    const n = 103;
    check(
      'adamw',
      { grad: { data: data([n]), shape: [n] } },
      { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: 3 },
      1e-6,
      {
        param: { data: data([n]), shape: [n] },
        m: { data: data([n], 0.1), shape: [n] },
        v: { data: data([n], 0.01).map(Math.abs), shape: [n] },
      },
    );
  });

  it('linear: the GEMM epilogue (bias, activation, both, neither), tails, the decoding path', () => {
    for (const [rows, K, F] of [
      [37, 61, 19],
      [130, 300, 97],
      [2, 37, 45],
      [64, 128, 512],
    ] as const) {
      const x = { data: data([rows, K]), shape: [rows, K] };
      const weight = { data: data([F, K], 0.2), shape: [F, K] };
      const bias = { data: data([F]), shape: [F] };
      for (const activation of ['none', 'gelu_erf', 'gelu_tanh', 'relu', 'silu'] as const) {
        check('linear', { x, weight, bias }, { activation }, 1e-5 * Math.sqrt(K));
        check('linear', { x, weight }, { activation }, 1e-5 * Math.sqrt(K));
      }
    }
    const x3 = { data: data([2, 5, 24]), shape: [2, 5, 24] };
    check('linear', { x: x3, weight: { data: data([9, 24]), shape: [9, 24] } }, { activation: 'gelu_erf' });
  });

  it('biasActivationBackward: every activation, column strips of 16 and a tail', () => {
    for (const [rows, F] of [
      [7, 13],
      [33, 50],
      [5, 64],
    ] as const) {
      const pre = { data: data([rows, F], 2), shape: [rows, F] };
      const dy = { data: data([rows, F]), shape: [rows, F] };
      for (const activation of ['none', 'gelu_erf', 'gelu_tanh', 'relu', 'silu'] as const) {
        check('biasActivationBackward', { pre, dy }, { activation }, 5e-5);
      }
    }
  });

  it('residual add + norm, and the norm backwards adding into dx', () => {
    for (const [rows, C] of [
      [7, 13],
      [33, 128],
    ] as const) {
      const x = { data: data([rows, C], 2, 0.5), shape: [rows, C] };
      const residual = { data: data([rows, C]), shape: [rows, C] };
      const weight = { data: data([C], 0.5, 1), shape: [C] };
      const bias = { data: data([C]), shape: [C] };
      check('addLayerNorm', { x, residual, weight, bias }, { eps: 1e-5 });
      check('addRmsNorm', { x, residual, weight }, { eps: 1e-6 });
      const ln = run(reference, 'layerNorm', { x, weight, bias }, { eps: 1e-5 });
      const dy = { data: data([rows, C]), shape: [rows, C] };
      const dx = { dx: { data: data([rows, C]), shape: [rows, C] } };
      const stats = { mean: { data: ln.mean!, shape: [rows] }, rstd: { data: ln.rstd!, shape: [rows] } };
      check('layerNormBackwardInto', { x, weight, ...stats, dy }, {}, 1e-4, dx);
      const rms = run(reference, 'rmsNorm', { x, weight }, { eps: 1e-6 });
      check('rmsNormBackwardInto', { x, weight, rstd: { data: rms.rstd!, shape: [rows] }, dy }, {}, 1e-4, dx);
    }
  });

  it('matmulAccumulate and accumulate add into their in-place tensor', () => {
    for (const [m, k, n] of [
      [5, 3, 7],
      [130, 300, 97],
      [2, 37, 45],
    ] as const) {
      check(
        'matmulAccumulate',
        { a: { data: data([k, m]), shape: [k, m] }, b: { data: data([k, n]), shape: [k, n] } },
        { transA: true, transB: false },
        1e-5 * Math.sqrt(k),
        { c: { data: data([m, n]), shape: [m, n] } },
      );
    }
    check('accumulate', { x: { data: data([3, 37]), shape: [3, 37] } }, {}, 0, {
      acc: { data: data([3, 37]), shape: [3, 37] },
    });
  });
});
