/**
 * The op cases of the WebGPU kernel checks (shared by webgpu-kernels.test.ts and the GPU-machine
 * script bench/gpu-check.ts, so this file must not import vitest): small shapes, every op, every
 * unary/binary kind, every matmul transpose, attention with GQA and the KV offset, sampling filters.
 */
import { BINARY_KINDS, type OpName, UNARY_KINDS } from '../src/backend/ops.js';
import { type HostTensor, host, seeded } from './webgpu-helpers.js';

const f = (shape: number[], seed: number, lo = -1, hi = 1): HostTensor =>
  host(
    shape,
    seeded(
      shape.reduce((a, b) => a * b, 1),
      seed,
      lo,
      hi,
    ),
  );
const ints = (shape: number[], values: number[]): HostTensor => host(shape, values, 'i32');

export interface Case {
  name: string;
  op: OpName;
  inputs: Record<string, HostTensor | HostTensor[] | undefined>;
  attrs: Record<string, unknown>;
  inouts?: Record<string, HostTensor>;
  tol?: number;
}

/** Every case, built fresh. */
export function kernelCases(): Case[] {
  const cases: Case[] = [];
  for (const op of UNARY_KINDS) {
    const positive = op === 'log' || op === 'sqrt' || op === 'rsqrt' || op === 'reciprocal';
    const x = positive ? f([3, 37], 1, 0.2, 3) : f([3, 37], 1, -4, 4);
    cases.push({ name: `unary ${op}`, op: 'unary', inputs: { x }, attrs: { op }, tol: 2e-6 });
    cases.push({
      name: `unaryGrad ${op}`,
      op: 'unaryGrad',
      inputs: { x, dy: f([3, 37], 2) },
      attrs: { op },
      tol: 2e-5,
    });
  }
  for (const op of BINARY_KINDS) {
    const b = op === 'pow' ? f([4, 1], 4, 0.5, 2) : f([4, 1], 4);
    const a = op === 'pow' ? f([2, 4, 5], 3, 0.1, 2) : f([2, 4, 5], 3);
    cases.push({ name: `binary ${op} broadcast`, op: 'binary', inputs: { a, b }, attrs: { op }, tol: 2e-6 });
    cases.push({
      name: `binaryScalar ${op}`,
      op: 'binaryScalar',
      inputs: { a },
      attrs: { op, scalar: op === 'pow' ? 1.5 : 0.25, reverse: op === 'sub' || op === 'div' },
      tol: 2e-6,
    });
  }
  cases.push({
    name: 'binary add i32',
    op: 'binary',
    inputs: { a: ints([2, 3], [1, -2, 3, 4, 5, -6]), b: ints([3], [10, 20, -30]) },
    attrs: { op: 'add' },
  });
  cases.push({
    name: 'binary lt i32 → f32',
    op: 'binary',
    inputs: { a: ints([2, 3], [1, -2, 3, 4, 5, -6]), b: ints([3], [1, 20, -30]) },
    attrs: { op: 'lt' },
  });
  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    cases.push({
      name: `reduce ${op} [1]`,
      op: 'reduce',
      inputs: { x: f([3, 70, 5], 5) },
      attrs: { op, axes: [1], keepDims: false },
      tol: 1e-6,
    });
    cases.push({
      name: `reduce ${op} [0,2]`,
      op: 'reduce',
      inputs: { x: f([3, 7, 5], 6) },
      attrs: { op, axes: [0, 2], keepDims: true },
      tol: 1e-6,
    });
    cases.push({
      name: `reduce ${op} all`,
      op: 'reduce',
      inputs: { x: f([300], 7) },
      attrs: { op, axes: [0], keepDims: false },
      tol: 1e-6,
    });
  }
  cases.push({ name: 'expand', op: 'expand', inputs: { x: f([3, 1], 8) }, attrs: { shape: [2, 3, 4] } });
  cases.push({
    name: 'argmax axis 1',
    op: 'argmax',
    inputs: { x: host([2, 4, 3], [...seeded(21, 9), 5, 5, 5]) },
    attrs: { axis: 1, keepDims: false },
  });
  cases.push({
    name: 'topK',
    op: 'topK',
    inputs: { x: host([2, 10], [3, 1, 3, 2, 9, 0, 9, 4, 1, 1, ...seeded(10, 10)]) },
    attrs: { k: 4 },
  });
  cases.push({ name: 'softmax', op: 'softmax', inputs: { x: f([3, 300], 11, -5, 5) }, attrs: {}, tol: 1e-6 });
  cases.push({
    name: 'logSoftmax',
    op: 'logSoftmax',
    inputs: { x: f([3, 300], 12, -5, 5) },
    attrs: {},
    tol: 1e-6,
  });
  for (const log of [false, true]) {
    cases.push({
      name: `softmaxBackward log=${log}`,
      op: 'softmaxBackward',
      inputs: { y: f([2, 33], 13, 0, 0.1), dy: f([2, 33], 14) },
      attrs: { log },
      tol: 1e-6,
    });
  }
  for (const [M, K, N] of [
    [5, 7, 3],
    [33, 20, 40],
    [130, 17, 129],
    [256, 64, 256],
    [512, 32, 512],
  ] as const) {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      cases.push({
        name: `matmul ${M}x${K}x${N} tA=${transA} tB=${transB}`,
        op: 'matmul',
        inputs: { a: f(transA ? [K, M] : [M, K], M + K), b: f(transB ? [N, K] : [K, N], N) },
        attrs: { transA, transB },
        tol: 1e-5,
      });
    }
  }
  cases.push({
    name: 'matmul batched broadcast',
    op: 'matmul',
    inputs: { a: f([2, 1, 40, 33], 15), b: f([3, 33, 36], 16) },
    attrs: { transA: false, transB: false },
    tol: 1e-5,
  });
  cases.push({ name: 'permute', op: 'permute', inputs: { x: f([2, 3, 4], 17) }, attrs: { perm: [2, 0, 1] } });
  cases.push({
    name: 'slice',
    op: 'slice',
    inputs: { x: f([4, 5, 3], 18) },
    attrs: { starts: [1, 2, 0], ends: [3, 5, 2] },
  });
  cases.push({
    name: 'sliceBackward',
    op: 'sliceBackward',
    inputs: { dy: f([2, 3, 2], 19) },
    attrs: { starts: [1, 2, 0], inputShape: [4, 5, 3] },
  });
  cases.push({
    name: 'concat',
    op: 'concat',
    inputs: { xs: [f([2, 3], 20), f([2, 5], 21), f([2, 1], 22)] },
    attrs: { axis: 1 },
  });
  cases.push({
    name: 'gather',
    op: 'gather',
    inputs: { table: f([6, 2, 3], 23), ids: ints([2, 2], [5, 0, 2, 2]) },
    attrs: {},
  });
  cases.push({
    name: 'scatterAdd',
    op: 'scatterAdd',
    inputs: { ids: ints([5], [1, 3, 1, 0, 3]), src: f([5, 4], 24) },
    attrs: { rows: 6 },
    tol: 1e-6,
  });
  cases.push({
    name: 'where',
    op: 'where',
    inputs: { cond: host([2, 1], [1, 0]), a: f([2, 3], 25), b: f([3], 26) },
    attrs: {},
  });
  cases.push({
    name: 'cast f32→i32',
    op: 'cast',
    inputs: { x: host([4], [1.7, -1.7, 3, -0.2]) },
    attrs: { dtype: 'i32' },
  });
  cases.push({
    name: 'cast i32→f32',
    op: 'cast',
    inputs: { x: ints([3], [-5, 7, 123456]) },
    attrs: { dtype: 'f32' },
  });
  cases.push({
    name: 'fill f32',
    op: 'fill',
    inputs: {},
    attrs: { shape: [3, 5], dtype: 'f32', value: -2.5 },
  });
  cases.push({ name: 'fill i32', op: 'fill', inputs: {}, attrs: { shape: [7], dtype: 'i32', value: -3 } });
  cases.push({
    name: 'arange f32',
    op: 'arange',
    inputs: {},
    attrs: { start: 1.5, step: 0.5, size: 9, dtype: 'f32' },
  });
  cases.push({
    name: 'arange i32',
    op: 'arange',
    inputs: {},
    attrs: { start: -4, step: 3, size: 9, dtype: 'i32' },
  });
  cases.push({
    name: 'layerNorm',
    op: 'layerNorm',
    inputs: { x: f([5, 300], 27, -2, 3), weight: f([300], 28), bias: f([300], 29) },
    attrs: { eps: 1e-5 },
    tol: 2e-5,
  });
  {
    const x = f([40, 24], 30, -2, 3);
    let mean = 0;
    const means: number[] = [];
    const rstds: number[] = [];
    for (let r = 0; r < 40; r++) {
      const row = Array.from(x.data).slice(r * 24, r * 24 + 24);
      mean = row.reduce((a, b) => a + b, 0) / 24;
      const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 24;
      means.push(mean);
      rstds.push(1 / Math.sqrt(v + 1e-5));
    }
    cases.push({
      name: 'layerNormBackward',
      op: 'layerNormBackward',
      inputs: {
        x,
        weight: f([24], 31),
        mean: host([40], means),
        rstd: host([40], rstds),
        dy: f([40, 24], 32),
      },
      attrs: {},
      tol: 2e-5,
    });
    cases.push({
      name: 'rmsNorm',
      op: 'rmsNorm',
      inputs: { x, weight: f([24], 33) },
      attrs: { eps: 1e-6 },
      tol: 2e-5,
    });
    cases.push({
      name: 'rmsNormBackward',
      op: 'rmsNormBackward',
      inputs: { x, weight: f([24], 33), rstd: host([40], rstds), dy: f([40, 24], 34) },
      attrs: {},
      tol: 2e-5,
    });
  }
  for (const [B, H, Hkv, T, S, D, causal] of [
    [1, 2, 2, 5, 5, 8, true],
    [2, 4, 2, 3, 70, 16, true],
    [1, 3, 1, 67, 67, 32, false],
    [1, 2, 1, 1, 9, 72, true],
    [1, 2, 1, 4, 6, 6, true], // D not a multiple of 4: the row kernels
    [1, 1, 1, 3, 3, 132, false], // D > 128: the row kernels
    [1, 2, 2, 5, 7, 128, true], // D = 128: the tiled kernels at their largest head size
  ] as const) {
    const q = f([B, H, T, D], 35 + T);
    const k = f([B, Hkv, S, D], 36 + S);
    const v = f([B, Hkv, S, D], 37 + D);
    const scale = 1 / Math.sqrt(D);
    cases.push({
      name: `attention B${B} H${H}/${Hkv} T${T} S${S} D${D} causal=${causal}`,
      op: 'attention',
      inputs: { q, k, v },
      attrs: { causal, scale },
      tol: 1e-5,
    });
    cases.push({
      name: `attentionBackward B${B} H${H}/${Hkv} T${T} S${S} D${D} causal=${causal}`,
      op: 'attentionBackward',
      // o and lse as the forward gives them are not needed for a kernel comparison: any values exercise
      // the same arithmetic on both backends.
      inputs: { q, k, v, o: f([B, H, T, D], 38), lse: f([B, H, T], 39, 1, 3), dout: f([B, H, T, D], 40) },
      attrs: { causal, scale },
      tol: 2e-5,
    });
  }
  cases.push({
    name: 'crossEntropy (weights, ignored row)',
    op: 'crossEntropy',
    inputs: {
      logits: f([4, 50], 41, -3, 3),
      targets: ints([4], [3, -100, 49, 0]),
      weights: f([4], 42, 0, 2),
    },
    attrs: { ignoreIndex: -100 },
    tol: 1e-6,
  });
  cases.push({
    name: 'crossEntropy',
    op: 'crossEntropy',
    inputs: { logits: f([3, 700], 43, -3, 3), targets: ints([3], [3, 600, 1]) },
    attrs: { ignoreIndex: -100 },
    tol: 1e-6,
  });
  cases.push({
    name: 'crossEntropyBackward',
    op: 'crossEntropyBackward',
    inputs: {
      logits: f([4, 50], 41, -3, 3),
      targets: ints([4], [3, -100, 49, 0]),
      weights: f([4], 42, 0, 2),
      lse: f([4], 44, 3, 5),
      dloss: f([4], 45),
    },
    attrs: { ignoreIndex: -100 },
    tol: 1e-6,
  });
  for (const inverse of [false, true]) {
    cases.push({
      name: `rope inverse=${inverse}`,
      op: 'rope',
      inputs: { x: f([2, 3, 5, 8], 46) },
      attrs: { theta: 10000, offset: 1000, inverse },
      tol: 1e-6,
    });
  }
  cases.push({
    name: 'dropout',
    op: 'dropout',
    inputs: { x: f([5, 41], 47) },
    attrs: { p: 0.3, seed: 1234, offset: 2 ** 32 - 3 },
    tol: 1e-7,
  });
  cases.push({
    name: 'randomUniform',
    op: 'randomUniform',
    inputs: {},
    attrs: { shape: [7, 9], dtype: 'f32', seed: 2 ** 40 + 7, offset: 5, low: -2, high: 3 },
    tol: 1e-7,
  });
  cases.push({
    name: 'randomNormal',
    op: 'randomNormal',
    inputs: {},
    attrs: { shape: [7, 9], dtype: 'f32', seed: 99, offset: 2 ** 33, mean: 1, std: 0.5 },
    tol: 2e-6,
  });
  cases.push({
    name: 'adamw',
    op: 'adamw',
    inputs: { grad: f([130], 48) },
    inouts: { param: f([130], 49), m: f([130], 50, -0.1, 0.1), v: f([130], 51, 0, 0.01) },
    attrs: { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 3 },
    tol: 1e-6,
  });
  for (const [name, attrs] of [
    ['greedy', { temperature: 0, topK: 0, topP: 1, minP: 0 }],
    ['plain', { temperature: 1, topK: 0, topP: 1, minP: 0 }],
    ['topK', { temperature: 0.7, topK: 5, topP: 1, minP: 0 }],
    ['topP', { temperature: 1.3, topK: 0, topP: 0.6, minP: 0 }],
    ['topK+topP+minP', { temperature: 1, topK: 20, topP: 0.9, minP: 0.05 }],
  ] as const) {
    cases.push({
      name: `sampleTokens ${name}`,
      op: 'sampleTokens',
      inputs: { logits: f([6, 300], 52, -4, 4) },
      attrs: { ...attrs, seed: 77, offset: 3 },
    });
  }
  // The WGSL kernel against the one definition of the filters (sampling/filters.ts, which the CPU
  // kernel runs): logits in quarter steps give many exact ties (tokens tied with the k-th score, ties
  // inside the nucleus), and 5000-wide rows take the definition's fallbacks (top-k > 256 selected by
  // quickselect, nuclei longer than the 256-candidate partial selection, sorted in full).
  const quarters = (shape: number[], seed: number): HostTensor => {
    const t = f(shape, seed, -2, 2);
    for (let i = 0; i < t.data.length; i++) t.data[i] = Math.round(t.data[i]! * 4) / 4;
    return t;
  };
  for (const [name, logits, attrs] of [
    ['ties topK', quarters([16, 40], 53), { temperature: 1, topK: 3, topP: 1, minP: 0 }],
    ['ties topP', quarters([16, 40], 54), { temperature: 1, topK: 0, topP: 0.5, minP: 0 }],
    ['ties topK+topP+minP', quarters([16, 40], 55), { temperature: 0.9, topK: 8, topP: 0.8, minP: 0.1 }],
    ['ties minP', quarters([16, 40], 56), { temperature: 0.7, topK: 0, topP: 1, minP: 0.3 }],
    ['wide topP', f([4, 5000], 57, -4, 4), { temperature: 1, topK: 0, topP: 0.9, minP: 0 }],
    ['wide topK 300 + topP', f([4, 5000], 58, -4, 4), { temperature: 1, topK: 300, topP: 0.95, minP: 0 }],
    [
      'wide topK 1000 + topP + minP',
      f([4, 5000], 59, -4, 4),
      { temperature: 0.8, topK: 1000, topP: 0.99, minP: 0.001 },
    ],
  ] as const) {
    cases.push({
      name: `sampleTokens ${name}`,
      op: 'sampleTokens',
      inputs: { logits },
      attrs: { ...attrs, seed: 78, offset: 5 },
    });
  }
  return cases;
}
