/**
 * The conformance cases: for each op of the contract, small random inputs and the expected outputs
 * from the naive float64 references in `reference.ts`. Shapes are small (llvmpipe is slow) but odd
 * (not multiples of tile sizes) so edge handling is exercised.
 */
import type { DType, OpName } from '../../src/index.js';
import { fusedOpCases } from './fused-op-cases.js';
import {
  type Arr,
  attentionRef,
  bcast,
  binaryRef,
  broadcastShape,
  matmulRef,
  philoxNormal,
  philoxUniform,
  ravel,
  size,
  unaryRef,
  unravel,
} from './reference.js';

/** A host tensor given to a case. */
export interface HostTensor {
  shape: number[];
  dtype: DType;
  data: Float64Array | Int32Array;
}

/** One expected output. */
export interface Expected {
  data: ArrayLike<number>;
  /** Compare exactly (integer outputs, copies). */
  exact?: boolean;
}

/** A conformance case. */
export interface ConformanceCase {
  name: string;
  op: OpName;
  inputs: Record<string, HostTensor | HostTensor[]>;
  inouts?: Record<string, HostTensor | HostTensor[]>;
  attrs: Record<string, unknown>;
  /** Expected outputs (and in-place tensors after the op) by name; a list's entries as `xs.0`, `xs.1`. */
  expected: Record<string, Expected>;
  rtol?: number;
  atol?: number;
}

let seq = 1;

/** f32-representable uniform data in [lo, hi). */
function rnd(shape: number[], lo = -1, hi = 1): HostTensor {
  const seed = seq++;
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(lo + (hi - lo) * philoxUniform(seed, 3, i));
  return { shape, dtype: 'f32', data };
}

function ints(shape: number[], values: number[]): HostTensor {
  return { shape, dtype: 'i32', data: Int32Array.from(values) };
}

function f32(shape: number[], values: number[]): HostTensor {
  return { shape, dtype: 'f32', data: Float64Array.from(values, Math.fround) };
}

const domain: Record<string, [number, number]> = {
  log: [0.1, 3],
  sqrt: [0.1, 3],
  rsqrt: [0.1, 3],
  reciprocal: [0.2, 2],
  exp: [-3, 3],
};

function unaryCases(): ConformanceCase[] {
  return Object.keys(unaryRef).flatMap((op) => {
    const [lo, hi] = domain[op] ?? [-3, 3];
    const x = rnd([7, 13], lo, hi);
    const dy = rnd([7, 13]);
    const [f, df] = unaryRef[op]!;
    return [
      {
        name: `unary ${op}`,
        op: 'unary',
        inputs: { x },
        attrs: { op },
        expected: { y: { data: Array.from(x.data, f) } },
      },
      {
        name: `unaryGrad ${op}`,
        op: 'unaryGrad',
        inputs: { x, dy },
        attrs: { op },
        expected: { dx: { data: Array.from(x.data, (v, i) => dy.data[i]! * df(v)) } },
        rtol: op === 'gelu_tanh' ? 1e-4 : undefined,
      },
    ] as ConformanceCase[];
  });
}

function binaryCases(): ConformanceCase[] {
  const shapes: [number[], number[]][] = [
    [
      [5, 7],
      [5, 7],
    ],
    [[3, 5, 7], [7]],
    [
      [4, 1],
      [3, 1, 6],
    ],
    [[], [2, 3]],
  ];
  const out: ConformanceCase[] = [];
  for (const op of Object.keys(binaryRef)) {
    for (const [sa, sb] of shapes) {
      const positive = op === 'pow' || op === 'div';
      const a = rnd(sa, positive ? 0.5 : -2, 2);
      // comparisons: make some exact ties by quantising
      const b = rnd(sb, positive ? 0.5 : -2, 2);
      if (!positive)
        for (const t of [a, b])
          for (let i = 0; i < t.data.length; i++) t.data[i] = Math.round(t.data[i]! * 2) / 2;
      const shape = broadcastShape(sa, sb);
      const f = binaryRef[op]!;
      const data = Array.from({ length: size(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        return f(a.data[bcast(idx, sa, shape)]!, b.data[bcast(idx, sb, shape)]!);
      });
      out.push({
        name: `binary ${op} ${JSON.stringify(sa)} ∘ ${JSON.stringify(sb)}`,
        op: 'binary',
        inputs: { a, b },
        attrs: { op },
        expected: { y: { data } },
      });
    }
    const a = rnd([4, 6], op === 'pow' || op === 'div' ? 0.5 : -2, 2);
    for (const reverse of [false, true]) {
      const s = 1.5;
      const f = binaryRef[op]!;
      out.push({
        name: `binaryScalar ${op}${reverse ? ' reverse' : ''}`,
        op: 'binaryScalar',
        inputs: { a },
        attrs: { op, scalar: s, reverse },
        expected: { y: { data: Array.from(a.data, (v) => (reverse ? f(s, v) : f(v, s))) } },
      });
    }
  }
  const ia = ints([2, 3], [1, -2, 3, 4, 5, -6]);
  const ib = ints([3], [1, 2, 3]);
  for (const op of ['add', 'mul', 'maximum', 'lt']) {
    const f = binaryRef[op]!;
    const data = Array.from(ia.data, (v, i) => f(v, ib.data[i % 3]!));
    out.push({
      name: `binary ${op} i32`,
      op: 'binary',
      inputs: { a: ia, b: ib },
      attrs: { op },
      expected: { y: { data, exact: true } },
    });
  }
  return out;
}

function reduceCases(): ConformanceCase[] {
  const x = rnd([3, 5, 7]);
  const out: ConformanceCase[] = [];
  for (const op of ['sum', 'mean', 'max', 'min', 'sumSquares']) {
    for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2]]) {
      for (const keepDims of [false, true]) {
        if (keepDims && axes.length !== 2) continue;
        const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const acc = new Float64Array(size(outShape)).fill(
          op === 'max' ? -Infinity : op === 'min' ? Infinity : 0,
        );
        for (let i = 0; i < x.data.length; i++) {
          const idx = unravel(i, x.shape).map((v, d) => (axes.includes(d) ? 0 : v));
          const o = ravel(idx, outShape);
          const v = x.data[i]!;
          acc[o] =
            op === 'max'
              ? Math.max(acc[o]!, v)
              : op === 'min'
                ? Math.min(acc[o]!, v)
                : acc[o]! + (op === 'sumSquares' ? v * v : v);
        }
        const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
        out.push({
          name: `reduce ${op} axes ${JSON.stringify(axes)}${keepDims ? ' keepDims' : ''}`,
          op: 'reduce',
          inputs: { x },
          attrs: { op, axes, keepDims },
          expected: { y: { data: Array.from(acc, (v) => (op === 'mean' ? v / count : v)) } },
        });
      }
    }
  }
  return out;
}

function shapeCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const x = rnd([3, 1, 5]);
  const eshape = [2, 3, 4, 5];
  out.push({
    name: 'expand (3,1,5) → (2,3,4,5)',
    op: 'expand',
    inputs: { x },
    attrs: { shape: eshape },
    expected: {
      y: {
        data: Array.from(
          { length: size(eshape) },
          (_, i) => x.data[bcast(unravel(i, eshape), x.shape, eshape)]!,
        ),
        exact: true,
      },
    },
  });
  const p = rnd([2, 3, 4, 5]);
  for (const perm of [
    [1, 0, 2, 3],
    [3, 2, 1, 0],
    [0, 2, 3, 1],
  ]) {
    const ys = perm.map((a) => p.shape[a]!);
    const data = Array.from({ length: size(ys) }, (_, i) => {
      const yi = unravel(i, ys);
      const xi = new Array<number>(4);
      perm.forEach((a, k) => {
        xi[a] = yi[k]!;
      });
      return p.data[ravel(xi, p.shape)]!;
    });
    out.push({
      name: `permute ${JSON.stringify(perm)}`,
      op: 'permute',
      inputs: { x: p },
      attrs: { perm },
      expected: { y: { data, exact: true } },
    });
  }
  const starts = [1, 0, 1, 2];
  const ends = [2, 3, 3, 5];
  const ss = starts.map((s, i) => ends[i]! - s);
  const sliced = Array.from({ length: size(ss) }, (_, i) => {
    const idx = unravel(i, ss).map((v, d) => v + starts[d]!);
    return p.data[ravel(idx, p.shape)]!;
  });
  out.push({
    name: 'slice',
    op: 'slice',
    inputs: { x: p },
    attrs: { starts, ends },
    expected: { y: { data: sliced, exact: true } },
  });
  const dy = rnd(ss);
  const dx = new Float64Array(size(p.shape));
  for (let i = 0; i < dy.data.length; i++)
    dx[
      ravel(
        unravel(i, ss).map((v, d) => v + starts[d]!),
        p.shape,
      )
    ] = dy.data[i]!;
  out.push({
    name: 'sliceBackward',
    op: 'sliceBackward',
    inputs: { dy },
    attrs: { starts, inputShape: p.shape },
    expected: { dx: { data: dx, exact: true } },
  });
  const parts = [rnd([2, 3, 4]), rnd([2, 1, 4]), rnd([2, 5, 4])];
  const cat: number[] = [];
  for (let b = 0; b < 2; b++)
    for (const t of parts) cat.push(...t.data.slice(b * t.shape[1]! * 4, (b + 1) * t.shape[1]! * 4));
  out.push({
    name: 'concat axis 1',
    op: 'concat',
    inputs: { xs: parts },
    attrs: { axis: 1 },
    expected: { y: { data: cat, exact: true } },
  });
  const table = rnd([6, 5]);
  const ids = ints([2, 3], [5, 0, 2, 2, 1, 5]);
  out.push({
    name: 'gather',
    op: 'gather',
    inputs: { table, ids },
    attrs: {},
    expected: {
      y: {
        data: Array.from(ids.data).flatMap((id) => Array.from(table.data.slice(id * 5, id * 5 + 5))),
        exact: true,
      },
    },
  });
  const src = rnd([2, 3, 5]);
  const sa = new Float64Array(30);
  ids.data.forEach((id, i) => {
    for (let c = 0; c < 5; c++) sa[id * 5 + c] = sa[id * 5 + c]! + src.data[i * 5 + c]!;
  });
  out.push({
    name: 'scatterAdd (repeated ids)',
    op: 'scatterAdd',
    inputs: { ids, src },
    attrs: { rows: 6 },
    expected: { y: { data: sa } },
  });
  const cond = f32([3, 1], [1, 0, 1]);
  const wa = rnd([3, 4]);
  const wb = rnd([4]);
  out.push({
    name: 'where broadcast',
    op: 'where',
    inputs: { cond, a: wa, b: wb },
    attrs: {},
    expected: {
      y: {
        data: Array.from({ length: 12 }, (_, i) =>
          cond.data[Math.floor(i / 4)] ? wa.data[i]! : wb.data[i % 4]!,
        ),
        exact: true,
      },
    },
  });
  const cx = f32([6], [1.7, -1.7, 2.5, -0.2, 1000.25, 3]);
  out.push({
    name: 'cast f32 → i32',
    op: 'cast',
    inputs: { x: cx },
    attrs: { dtype: 'i32' },
    expected: { y: { data: Array.from(cx.data, Math.trunc), exact: true } },
  });
  out.push({
    name: 'cast f32 → f32 (a copy: clone and assign use it)',
    op: 'cast',
    inputs: { x: cx },
    attrs: { dtype: 'f32' },
    expected: { y: { data: Array.from(cx.data), exact: true } },
  });
  out.push({
    name: 'cast i32 → f32',
    op: 'cast',
    inputs: { x: ids },
    attrs: { dtype: 'f32' },
    expected: { y: { data: Array.from(ids.data), exact: true } },
  });
  out.push({
    name: 'cast f32 → f16 (rounds to nearest even)',
    op: 'cast',
    inputs: { x: cx },
    attrs: { dtype: 'f16' },
    // nearest halves, from Python's struct 'e' format (IEEE binary16, round half to even)
    expected: { y: { data: [1.7001953125, -1.7001953125, 2.5, -0.199951171875, 1000.0, 3.0], exact: true } },
  });
  out.push({
    name: 'fill',
    op: 'fill',
    inputs: {},
    attrs: { shape: [3, 5], dtype: 'f32', value: -2.5 },
    expected: { y: { data: new Array(15).fill(-2.5), exact: true } },
  });
  out.push({
    name: 'fill i32',
    op: 'fill',
    inputs: {},
    attrs: { shape: [4], dtype: 'i32', value: 7 },
    expected: { y: { data: [7, 7, 7, 7], exact: true } },
  });
  out.push({
    name: 'arange',
    op: 'arange',
    inputs: {},
    attrs: { start: 2, step: 0.5, size: 9, dtype: 'f32' },
    expected: { y: { data: Array.from({ length: 9 }, (_, i) => 2 + 0.5 * i), exact: true } },
  });
  out.push({
    name: 'arange i32',
    op: 'arange',
    inputs: {},
    attrs: { start: 5, step: -2, size: 4, dtype: 'i32' },
    expected: { y: { data: [5, 3, 1, -1], exact: true } },
  });
  return out;
}

function selectionCases(): ConformanceCase[] {
  const x = rnd([4, 3, 9]);
  x.data[5] = x.data[4]!; // a tie
  const out: ConformanceCase[] = [];
  for (const axis of [0, 1, 2]) {
    const os = x.shape.filter((_, i) => i !== axis);
    const data = Array.from({ length: size(os) }, (_, o) => {
      const oi = unravel(o, os);
      let best = 0;
      for (let j = 0; j < x.shape[axis]!; j++) {
        const idx = [...oi];
        idx.splice(axis, 0, j);
        const bidx = [...oi];
        bidx.splice(axis, 0, best);
        if (x.data[ravel(idx, x.shape)]! > x.data[ravel(bidx, x.shape)]!) best = j;
      }
      return best;
    });
    out.push({
      name: `argmax axis ${axis}`,
      op: 'argmax',
      inputs: { x },
      attrs: { axis, keepDims: false },
      expected: { indices: { data, exact: true } },
    });
  }
  const rows = 12;
  const values: number[] = [];
  const indices: number[] = [];
  const k = 4;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.data.slice(r * 9, r * 9 + 9), (v, j) => [v, j] as const);
    row.sort((p, q) => q[0] - p[0] || p[1] - q[1]);
    for (const [v, j] of row.slice(0, k)) {
      values.push(v);
      indices.push(j);
    }
  }
  out.push({
    name: 'topK k=4',
    op: 'topK',
    inputs: { x },
    attrs: { k },
    expected: { values: { data: values, exact: true }, indices: { data: indices, exact: true } },
  });
  return out;
}

function softmaxRows(x: Arr, cols: number, log: boolean): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / cols; r++) {
    const row = Array.from(x.slice(r * cols, (r + 1) * cols));
    const m = Math.max(...row);
    const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
    row.forEach((v, j) => {
      out[r * cols + j] = log ? v - m - Math.log(z) : Math.exp(v - m) / z;
    });
  }
  return out;
}

function fusedCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const x = rnd([5, 11], -4, 4);
  const dy = rnd([5, 11]);
  for (const log of [false, true]) {
    const y = softmaxRows(x.data, 11, log);
    out.push({
      name: log ? 'logSoftmax' : 'softmax',
      op: log ? 'logSoftmax' : 'softmax',
      inputs: { x },
      attrs: {},
      expected: { y: { data: y } },
    });
    const yt: HostTensor = { shape: [5, 11], dtype: 'f32', data: Float64Array.from(y, Math.fround) };
    const dx = new Float64Array(55);
    for (let r = 0; r < 5; r++) {
      let s = 0;
      for (let j = 0; j < 11; j++)
        s += log ? dy.data[r * 11 + j]! : dy.data[r * 11 + j]! * yt.data[r * 11 + j]!;
      for (let j = 0; j < 11; j++) {
        const i = r * 11 + j;
        dx[i] = log ? dy.data[i]! - Math.exp(yt.data[i]!) * s : yt.data[i]! * (dy.data[i]! - s);
      }
    }
    out.push({
      name: `softmaxBackward log=${log}`,
      op: 'softmaxBackward',
      inputs: { y: yt, dy },
      attrs: { log },
      expected: { dx: { data: dx } },
    });
  }
  for (const [sa, sb, transA, transB] of [
    [[7, 5], [5, 9], false, false],
    [[5, 7], [5, 9], true, false],
    [[7, 5], [9, 5], false, true],
    [[5, 7], [9, 5], true, true],
    [[2, 1, 3, 5], [4, 5, 6], false, false],
    [[1, 1], [1, 1], false, false],
    [[33, 17], [17, 65], false, false],
  ] as [number[], number[], boolean, boolean][]) {
    const a = rnd(sa);
    const b = rnd(sb);
    out.push({
      name: `matmul ${JSON.stringify(sa)}${transA ? 'ᵀ' : ''} @ ${JSON.stringify(sb)}${transB ? 'ᵀ' : ''}`,
      op: 'matmul',
      inputs: { a, b },
      attrs: { transA, transB },
      expected: { y: { data: matmulRef(a.data, sa, b.data, sb, transA, transB).y } },
      rtol: 1e-4,
      atol: 1e-5,
    });
  }
  // layer norm / rms norm
  const C = 12;
  const lx = rnd([3, 4, C], -2, 2);
  const w = rnd([C], 0.5, 1.5);
  const bias = rnd([C]);
  const ldy = rnd([3, 4, C]);
  const rows = 12;
  const ly = new Float64Array(lx.data.length);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  const dx = new Float64Array(lx.data.length);
  const dw = new Float64Array(C);
  const db = new Float64Array(C);
  const eps = 1e-5;
  for (let r = 0; r < rows; r++) {
    const row = Array.from(lx.data.slice(r * C, (r + 1) * C));
    const m = row.reduce((s, v) => s + v, 0) / C;
    const v = row.reduce((s, u) => s + (u - m) ** 2, 0) / C;
    const rs = 1 / Math.sqrt(v + eps);
    mean[r] = m;
    rstd[r] = rs;
    const xhat = Array.from(row, (u) => (u - m) * rs);
    const g = xhat.map((_, j) => ldy.data[r * C + j]! * w.data[j]!);
    const gm = g.reduce((s, u) => s + u, 0) / C;
    const gx = g.reduce((s, u, j) => s + u * xhat[j]!, 0) / C;
    for (let j = 0; j < C; j++) {
      ly[r * C + j] = xhat[j]! * w.data[j]! + bias.data[j]!;
      dx[r * C + j] = rs * (g[j]! - gm - xhat[j]! * gx);
      dw[j] = dw[j]! + ldy.data[r * C + j]! * xhat[j]!;
      db[j] = db[j]! + ldy.data[r * C + j]!;
    }
  }
  out.push({
    name: 'layerNorm',
    op: 'layerNorm',
    inputs: { x: lx, weight: w, bias },
    attrs: { eps },
    expected: { y: { data: ly }, mean: { data: mean }, rstd: { data: rstd } },
    rtol: 1e-4,
    atol: 1e-5,
  });
  const mt: HostTensor = { shape: [3, 4], dtype: 'f32', data: Float64Array.from(mean, Math.fround) };
  const rt: HostTensor = { shape: [3, 4], dtype: 'f32', data: Float64Array.from(rstd, Math.fround) };
  out.push({
    name: 'layerNormBackward',
    op: 'layerNormBackward',
    inputs: { x: lx, weight: w, mean: mt, rstd: rt, dy: ldy },
    attrs: {},
    expected: { dx: { data: dx }, dweight: { data: dw }, dbias: { data: db } },
    rtol: 1e-4,
    atol: 1e-5,
  });
  const ry = new Float64Array(lx.data.length);
  const rr = new Float64Array(rows);
  const rdx = new Float64Array(lx.data.length);
  const rdw = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(lx.data.slice(r * C, (r + 1) * C));
    const rs = 1 / Math.sqrt(row.reduce((s, u) => s + u * u, 0) / C + 1e-6);
    rr[r] = rs;
    const g = Array.from(row, (_, j) => ldy.data[r * C + j]! * w.data[j]!);
    const gx = g.reduce((s, u, j) => s + u * row[j]!, 0);
    for (let j = 0; j < C; j++) {
      ry[r * C + j] = row[j]! * rs * w.data[j]!;
      rdx[r * C + j] = rs * g[j]! - (rs ** 3 * row[j]! * gx) / C;
      rdw[j] = rdw[j]! + ldy.data[r * C + j]! * row[j]! * rs;
    }
  }
  out.push({
    name: 'rmsNorm',
    op: 'rmsNorm',
    inputs: { x: lx, weight: w },
    attrs: { eps: 1e-6 },
    expected: { y: { data: ry }, rstd: { data: rr } },
    rtol: 1e-4,
    atol: 1e-5,
  });
  out.push({
    name: 'rmsNormBackward',
    op: 'rmsNormBackward',
    inputs: {
      x: lx,
      weight: w,
      rstd: { shape: [3, 4], dtype: 'f32', data: Float64Array.from(rr, Math.fround) },
      dy: ldy,
    },
    attrs: {},
    expected: { dx: { data: rdx }, dweight: { data: rdw } },
    rtol: 1e-4,
    atol: 1e-5,
  });
  // attention
  for (const c of [
    { name: 'MHA', q: [2, 2, 5, 8], k: [2, 2, 5, 8], causal: false },
    { name: 'causal', q: [1, 3, 7, 8], k: [1, 3, 7, 8], causal: true },
    { name: 'GQA causal', q: [1, 4, 6, 4], k: [1, 2, 6, 4], causal: true },
    { name: 'MQA KV-cache (T=3, S=9)', q: [2, 4, 3, 8], k: [2, 1, 9, 8], causal: true },
    { name: 'long keys (S=70)', q: [1, 2, 5, 16], k: [1, 2, 70, 16], causal: false },
  ]) {
    const q = rnd(c.q);
    const k = rnd(c.k);
    const v = rnd(c.k);
    const dout = rnd(c.q);
    const scale = 1 / Math.sqrt(c.q[3]!);
    const ref = attentionRef(q.data, k.data, v.data, c.q, c.k, c.causal, scale, dout.data);
    out.push({
      name: `attention ${c.name}`,
      op: 'attention',
      inputs: { q, k, v },
      attrs: { causal: c.causal, scale },
      expected: { o: { data: ref.o }, lse: { data: ref.lse } },
      rtol: 1e-4,
      atol: 1e-5,
    });
    const o: HostTensor = { shape: c.q, dtype: 'f32', data: Float64Array.from(ref.o, Math.fround) };
    const lse: HostTensor = {
      shape: c.q.slice(0, 3),
      dtype: 'f32',
      data: Float64Array.from(ref.lse, Math.fround),
    };
    out.push({
      name: `attentionBackward ${c.name}`,
      op: 'attentionBackward',
      inputs: { q, k, v, o, lse, dout },
      attrs: { causal: c.causal, scale },
      expected: { dq: { data: ref.dq }, dk: { data: ref.dk }, dv: { data: ref.dv } },
      rtol: 1e-3,
      atol: 1e-5,
    });
  }
  // cross entropy
  const N = 7;
  const V = 13;
  const logits = rnd([N, V], -3, 3);
  const targets = ints([N], [3, -100, 0, 12, 5, 5, -100]);
  const weights = f32([N], [1, 1, 0.5, 2, 0, 1, 1]);
  const dloss = rnd([N]);
  for (const withW of [false, true]) {
    const loss = new Float64Array(N);
    const lse = new Float64Array(N);
    const dl = new Float64Array(N * V);
    for (let n = 0; n < N; n++) {
      const row = Array.from(logits.data.slice(n * V, (n + 1) * V));
      const m = Math.max(...row);
      const l = m + Math.log(row.reduce((s, u) => s + Math.exp(u - m), 0));
      lse[n] = l;
      const t = targets.data[n]!;
      if (t === -100) continue;
      const wn = withW ? weights.data[n]! : 1;
      loss[n] = wn * (l - row[t]!);
      for (let j = 0; j < V; j++)
        dl[n * V + j] = dloss.data[n]! * wn * (Math.exp(row[j]! - l) - (j === t ? 1 : 0));
    }
    const inputs: Record<string, HostTensor> = withW ? { logits, targets, weights } : { logits, targets };
    out.push({
      name: `crossEntropy${withW ? ' weighted' : ''}`,
      op: 'crossEntropy',
      inputs,
      attrs: { ignoreIndex: -100 },
      expected: { loss: { data: loss }, lse: { data: lse } },
      rtol: 1e-5,
      atol: 1e-5,
    });
    out.push({
      name: `crossEntropyBackward${withW ? ' weighted' : ''}`,
      op: 'crossEntropyBackward',
      inputs: {
        ...inputs,
        lse: { shape: [N], dtype: 'f32', data: Float64Array.from(lse, Math.fround) },
        dloss,
      },
      attrs: { ignoreIndex: -100 },
      expected: { dlogits: { data: dl } },
      rtol: 1e-4,
      atol: 1e-6,
    });
  }
  // rope: D = 8 (half a multiple of 4: the WebAssembly kernel) and D = 6 (the reference kernel)
  for (const D of [8, 6]) {
    const rx = rnd([2, 3, 5, D]);
    for (const inverse of [false, true]) {
      const half = D / 2;
      const theta = 10000;
      const offset = 3;
      const y = new Float64Array(rx.data.length);
      for (let r = 0; r < rx.data.length / D; r++) {
        const t = r % 5;
        for (let i = 0; i < half; i++) {
          const ang = (offset + t) * theta ** ((-2 * i) / D) * (inverse ? -1 : 1);
          const a = rx.data[r * D + i]!;
          const b = rx.data[r * D + i + half]!;
          y[r * D + i] = a * Math.cos(ang) - b * Math.sin(ang);
          y[r * D + i + half] = b * Math.cos(ang) + a * Math.sin(ang);
        }
      }
      out.push({
        name: `rope D=${D} inverse=${inverse}`,
        op: 'rope',
        inputs: { x: rx },
        attrs: { theta, offset, inverse },
        expected: { y: { data: y } },
        rtol: 1e-4,
        atol: 1e-5,
      });
    }
  }
  // adamw
  const param = rnd([5, 7]);
  const grad = rnd([5, 7]);
  const m0 = rnd([5, 7], -0.1, 0.1);
  const v0 = rnd([5, 7], 0, 0.01);
  const hp = { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step: 3 };
  const pe = new Float64Array(35);
  const me = new Float64Array(35);
  const ve = new Float64Array(35);
  for (let i = 0; i < 35; i++) {
    const p = param.data[i]! * (1 - hp.lr * hp.weightDecay);
    me[i] = hp.beta1 * m0.data[i]! + (1 - hp.beta1) * grad.data[i]!;
    ve[i] = hp.beta2 * v0.data[i]! + (1 - hp.beta2) * grad.data[i]! ** 2;
    const mh = me[i]! / (1 - hp.beta1 ** hp.step);
    const vh = ve[i]! / (1 - hp.beta2 ** hp.step);
    pe[i] = p - (hp.lr * mh) / (Math.sqrt(vh) + hp.eps);
  }
  out.push({
    name: 'adamw (in place)',
    op: 'adamw',
    inputs: { grad },
    inouts: { param, m: m0, v: v0 },
    attrs: hp,
    expected: { param: { data: pe }, m: { data: me }, v: { data: ve } },
    rtol: 1e-5,
    atol: 1e-6,
  });
  return out;
}

function randomCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const n = 37;
  const seed = 1234;
  const offset = 5;
  out.push({
    name: 'randomUniform',
    op: 'randomUniform',
    inputs: {},
    attrs: { shape: [n], dtype: 'f32', seed, offset, low: -2, high: 3 },
    expected: { y: { data: Array.from({ length: n }, (_, i) => -2 + 5 * philoxUniform(seed, offset, i)) } },
  });
  out.push({
    name: 'randomNormal',
    op: 'randomNormal',
    inputs: {},
    attrs: { shape: [n], dtype: 'f32', seed, offset, mean: 1, std: 0.5 },
    expected: { y: { data: Array.from({ length: n }, (_, i) => 1 + 0.5 * philoxNormal(seed, offset, i)) } },
    rtol: 1e-5,
    atol: 1e-5,
  });
  const x = rnd([6, 9]);
  const p = 0.3;
  out.push({
    name: 'dropout (mask from Philox)',
    op: 'dropout',
    inputs: { x },
    attrs: { p, seed: 99, offset: 7 },
    expected: { y: { data: Array.from(x.data, (v, i) => (philoxUniform(99, 7, i) < p ? 0 : v / (1 - p))) } },
  });
  // sampleTokens: greedy, and sampling with each filter (no near-ties in random logits)
  const B = 6;
  const V = 10;
  const logits = rnd([B, V], -3, 3);
  const settings = [
    { temperature: 0, topK: 0, topP: 1, minP: 0 },
    { temperature: 1, topK: 0, topP: 1, minP: 0 },
    { temperature: 0.7, topK: 3, topP: 1, minP: 0 },
    { temperature: 1.3, topK: 0, topP: 0.8, minP: 0 },
    { temperature: 1, topK: 0, topP: 1, minP: 0.2 },
    { temperature: 0.9, topK: 5, topP: 0.9, minP: 0.05 },
  ];
  settings.forEach((s, si) => {
    const seedS = 40 + si;
    const ids = Array.from({ length: B }, (_, b) => {
      const row = Array.from(logits.data.slice(b * V, (b + 1) * V));
      let best = 0;
      row.forEach((v, j) => {
        if (v > row[best]!) best = j;
      });
      if (s.temperature === 0) return best;
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp((v - m) / s.temperature));
      const z = e.reduce((a, u) => a + u, 0);
      const prob = e.map((u) => u / z);
      const order = prob.map((_, j) => j).sort((i, j) => prob[j]! - prob[i]! || i - j);
      const keep = new Array<boolean>(V).fill(true);
      // top-k keeps every token tied with the k-th probability (HF)
      const kth = prob[order[(s.topK > 0 ? s.topK : V) - 1]!]!;
      const candidates = order.filter((j) => prob[j]! >= kth);
      for (const j of order) if (prob[j]! < kth) keep[j] = false;
      const keptMass = candidates.reduce((a, j) => a + prob[j]!, 0);
      let before = 0;
      candidates.forEach((j, r) => {
        if (r > 0 && before >= s.topP * keptMass) keep[j] = false;
        before += prob[j]!;
      });
      const pmax = Math.max(...prob);
      prob.forEach((q, j) => {
        if (q < s.minP * pmax) keep[j] = false;
      });
      const mass = prob.reduce((a, q, j) => a + (keep[j] ? q : 0), 0);
      const u = philoxUniform(seedS, 2, b) * mass;
      let run = 0;
      let pick = best;
      for (let j = 0; j < V; j++) {
        if (!keep[j]) continue;
        run += prob[j]!;
        pick = j;
        if (run > u) break;
      }
      return pick;
    });
    out.push({
      name: `sampleTokens ${JSON.stringify(s)}`,
      op: 'sampleTokens',
      inputs: { logits },
      attrs: { ...s, seed: seedS, offset: 2 },
      expected: { ids: { data: ids, exact: true } },
    });
  });
  return out;
}

/** Values k/256 in [lo, hi): exactly representable in f16 (11-bit significand), so no input rounding. */
function half(shape: number[], lo = -2, hi = 2): HostTensor {
  const t = rnd(shape, lo, hi);
  for (let i = 0; i < t.data.length; i++) t.data[i] = Math.round(t.data[i]! * 256) / 256;
  return { ...t, dtype: 'f16' };
}

/**
 * f16 storage cases (names end in `[f16]`): outputs are rounded to half, so the tolerance is a few
 * half ulps (2⁻¹¹ relative). Backends without f16 exclude them by name.
 */
function halfCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const tol = { rtol: 4e-3, atol: 4e-3 };
  const a = half([9, 17]);
  const b = half([17, 11]);
  out.push({
    name: 'matmul (9,17) @ (17,11) [f16]',
    op: 'matmul',
    inputs: { a, b },
    attrs: { transA: false, transB: false },
    expected: { y: { data: matmulRef(a.data, a.shape, b.data, b.shape, false, false).y } },
    ...tol,
  });
  const c = half([9, 17]);
  const bias = half([17]);
  out.push({
    name: 'binary add (9,17) + (17) [f16]',
    op: 'binary',
    inputs: { a: c, b: bias },
    attrs: { op: 'add' },
    expected: { y: { data: Array.from(c.data, (v, i) => v + bias.data[i % 17]!) } },
    ...tol,
  });
  out.push({
    name: 'unary gelu_tanh [f16]',
    op: 'unary',
    inputs: { x: c },
    attrs: { op: 'gelu_tanh' },
    expected: { y: { data: Array.from(c.data, unaryRef.gelu_tanh![0]) } },
    ...tol,
  });
  out.push({
    name: 'softmax [f16]',
    op: 'softmax',
    inputs: { x: c },
    attrs: {},
    expected: { y: { data: softmaxRows(c.data, 17, false) } },
    ...tol,
  });
  return out;
}

/** Every conformance case (built fresh on each call; deterministic). */
export function conformanceCases(): ConformanceCase[] {
  seq = 1;
  return [
    ...unaryCases(),
    ...binaryCases(),
    ...reduceCases(),
    ...shapeCases(),
    ...selectionCases(),
    ...fusedCases(),
    ...fusedOpCases(rnd),
    ...randomCases(),
    ...halfCases(),
    ...clipCases(),
  ];
}

/**
 * What gradient clipping runs: `sumSquares` over whole tensors whose sizes exercise the SIMD body
 * and tails and several fixed blocks of 4096 (and columns, 4 lanes and a remainder), and `scaleInPlace` over a list of odd sizes.
 */
function clipCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  const sq = (v: number) => v * v;
  for (const shape of [[1029], [33, 65], [3, 5003]]) {
    const x = rnd(shape, -3, 3);
    out.push({
      name: `reduce sumSquares ${JSON.stringify(shape)} → scalar`,
      op: 'reduce',
      inputs: { x },
      attrs: { op: 'sumSquares', axes: shape.map((_, i) => i), keepDims: false },
      expected: { y: { data: [Array.from(x.data, sq).reduce((a, b) => a + b, 0)] } },
    });
  }
  const cols = rnd([33, 65]);
  out.push({
    name: 'reduce sumSquares (33,65) axes [0]',
    op: 'reduce',
    inputs: { x: cols },
    attrs: { op: 'sumSquares', axes: [0], keepDims: false },
    expected: {
      y: {
        data: Array.from({ length: 65 }, (_, j) =>
          Array.from({ length: 33 }, (_, r) => sq(cols.data[r * 65 + j]!)).reduce((a, b) => a + b, 0),
        ),
      },
    },
  });
  const xs = [rnd([5, 7]), rnd([13]), rnd([2, 3, 4]), rnd([1])];
  const scale = f32([], [0.3712]);
  const s = scale.data[0]!;
  out.push({
    name: 'scaleInPlace (in place, a list of 4)',
    op: 'scaleInPlace',
    inputs: { scale },
    inouts: { xs },
    attrs: {},
    expected: Object.fromEntries(xs.map((x, i) => [`xs.${i}`, { data: Array.from(x.data, (v) => v * s) }])),
  });
  const hs = [half([9, 17]), half([5])];
  const hscale = { ...f32([1], [0.75]), dtype: 'f16' as const };
  out.push({
    name: 'scaleInPlace (in place, a list of 2) [f16]',
    op: 'scaleInPlace',
    inputs: { scale: hscale },
    inouts: { xs: hs },
    attrs: {},
    expected: Object.fromEntries(
      hs.map((x, i) => [`xs.${i}`, { data: Array.from(x.data, (v) => v * 0.75) }]),
    ),
    rtol: 4e-3,
    atol: 4e-3,
  });
  return out;
}
