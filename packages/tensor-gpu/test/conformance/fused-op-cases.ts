/**
 * Conformance cases of the fused ops (`contract/fused.ts`): `linear` with each activation,
 * `biasActivationBackward`, the residual add + norm ops, and the ops that add into an in-place
 * tensor. Expected values are the unfused float64 formulas (a product, a bias, an activation; an add
 * then a norm; the norm backward then an add).
 */
import type { ConformanceCase, HostTensor } from './cases.js';
import { matmulRef, unaryRef } from './reference.js';

type Rnd = (shape: number[], lo?: number, hi?: number) => HostTensor;

const ACTIVATIONS = ['none', 'gelu_erf', 'gelu_tanh', 'relu', 'silu'] as const;

const identity: [(x: number) => number, (x: number) => number] = [(x) => x, () => 1];
const act = (name: string) => (name === 'none' ? identity : unaryRef[name]!);

/** Layer norm (or RMS norm, `rms`) over rows of C in float64, forward and backward. */
function normRef(
  x: ArrayLike<number>,
  C: number,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  dy: ArrayLike<number>,
  eps: number,
  rms: boolean,
) {
  const rows = x.length / C;
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  const dw = new Float64Array(C);
  const db = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: C }, (_, j) => x[r * C + j]!);
    const m = rms ? 0 : row.reduce((s, v) => s + v, 0) / C;
    const rs = 1 / Math.sqrt(row.reduce((s, u) => s + (u - m) ** 2, 0) / C + eps);
    mean[r] = m;
    rstd[r] = rs;
    const xhat = row.map((u) => (u - m) * rs);
    const g = xhat.map((_, j) => dy[r * C + j]! * w[j]!);
    const gm = rms ? 0 : g.reduce((s, u) => s + u, 0) / C;
    const gx = g.reduce((s, u, j) => s + u * xhat[j]!, 0) / C;
    for (let j = 0; j < C; j++) {
      y[r * C + j] = xhat[j]! * w[j]! + (b ? b[j]! : 0);
      dx[r * C + j] = rs * (g[j]! - gm - xhat[j]! * gx);
      dw[j] = dw[j]! + dy[r * C + j]! * xhat[j]!;
      db[j] = db[j]! + dy[r * C + j]!;
    }
  }
  return { y, dx, mean, rstd, dw, db };
}

const plus = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]!);

/** The fused ops' cases; `rnd` makes f32-representable uniform data. */
export function fusedOpCases(rnd: Rnd): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  // linear: x (2,5,7) · Wᵀ (W (6,7)) + b, then the activation
  const x = rnd([2, 5, 7]);
  const weight = rnd([6, 7]);
  const bias = rnd([6]);
  const prod = matmulRef(x.data, [10, 7], weight.data, [6, 7], false, true).y;
  for (const a of ACTIVATIONS) {
    const pre = prod.map((v, i) => v + bias.data[i % 6]!);
    const y = pre.map(act(a)[0]);
    out.push({
      name: `linear (${a})`,
      op: 'linear',
      inputs: { x, weight, bias },
      attrs: { activation: a },
      expected: { y: { data: y }, pre: { data: a === 'none' ? [] : pre } },
      rtol: 1e-4,
      atol: 1e-5,
    });
  }
  out.push({
    name: 'linear without bias (gelu_erf)',
    op: 'linear',
    inputs: { x, weight },
    attrs: { activation: 'gelu_erf' },
    expected: { y: { data: prod.map(act('gelu_erf')[0]) }, pre: { data: prod } },
    rtol: 1e-4,
    atol: 1e-5,
  });
  // biasActivationBackward: dpre = dy·act'(pre), dbias = column sums of dpre
  const pre = rnd([5, 6], -3, 3);
  const dy = rnd([5, 6]);
  for (const a of ACTIVATIONS) {
    const dpre = Float64Array.from(pre.data, (p, i) => dy.data[i]! * act(a)[1](p));
    const dbias = new Float64Array(6);
    dpre.forEach((v, i) => {
      dbias[i % 6] = dbias[i % 6]! + v;
    });
    out.push({
      name: `biasActivationBackward (${a})`,
      op: 'biasActivationBackward',
      inputs: { pre, dy },
      attrs: { activation: a },
      expected: { dpre: { data: dpre }, dbias: { data: dbias } },
      rtol: 1e-4,
      atol: 1e-5,
    });
  }
  // residual add + norm, and the norm backwards adding into dx
  const C = 12;
  const nx = rnd([3, 4, C], -2, 2);
  const res = rnd([3, 4, C]);
  const w = rnd([C], 0.5, 1.5);
  const b = rnd([C]);
  const ndy = rnd([3, 4, C]);
  const dx0 = rnd([3, 4, C]);
  const sum = plus(nx.data, res.data);
  const ln = normRef(sum, C, w.data, b.data, ndy.data, 1e-5, false);
  const rms = normRef(sum, C, w.data, null, ndy.data, 1e-6, true);
  const tol = { rtol: 1e-4, atol: 1e-5 };
  out.push({
    name: 'addLayerNorm',
    op: 'addLayerNorm',
    inputs: { x: nx, residual: res, weight: w, bias: b },
    attrs: { eps: 1e-5 },
    expected: { sum: { data: sum }, y: { data: ln.y }, mean: { data: ln.mean }, rstd: { data: ln.rstd } },
    ...tol,
  });
  out.push({
    name: 'addRmsNorm',
    op: 'addRmsNorm',
    inputs: { x: nx, residual: res, weight: w },
    attrs: { eps: 1e-6 },
    expected: { sum: { data: sum }, y: { data: rms.y }, rstd: { data: rms.rstd } },
    ...tol,
  });
  const f32 = (shape: number[], data: Float64Array): HostTensor => ({
    shape,
    dtype: 'f32',
    data: Float64Array.from(data, Math.fround),
  });
  const sumT = f32([3, 4, C], sum);
  out.push({
    name: 'layerNormBackwardInto',
    op: 'layerNormBackwardInto',
    inputs: { x: sumT, weight: w, mean: f32([3, 4], ln.mean), rstd: f32([3, 4], ln.rstd), dy: ndy },
    inouts: { dx: dx0 },
    attrs: {},
    expected: { dx: { data: plus(dx0.data, ln.dx) }, dweight: { data: ln.dw }, dbias: { data: ln.db } },
    ...tol,
  });
  out.push({
    name: 'rmsNormBackwardInto',
    op: 'rmsNormBackwardInto',
    inputs: { x: sumT, weight: w, rstd: f32([3, 4], rms.rstd), dy: ndy },
    inouts: { dx: dx0 },
    attrs: {},
    expected: { dx: { data: plus(dx0.data, rms.dx) }, dweight: { data: rms.dw } },
    ...tol,
  });
  // c += op(a)·op(b): 2-D with a transpose, and batched
  const ma = rnd([5, 7]);
  const mb = rnd([6, 7]);
  const mc = rnd([5, 6]);
  out.push({
    name: 'matmulAccumulate (transB)',
    op: 'matmulAccumulate',
    inputs: { a: ma, b: mb },
    inouts: { c: mc },
    attrs: { transA: false, transB: true },
    expected: { c: { data: plus(mc.data, matmulRef(ma.data, [5, 7], mb.data, [6, 7], false, true).y) } },
    ...tol,
  });
  const ba = rnd([2, 3, 4]);
  const bb = rnd([4, 5]);
  const bc = rnd([2, 3, 5]);
  out.push({
    name: 'matmulAccumulate (batched, broadcast b)',
    op: 'matmulAccumulate',
    inputs: { a: ba, b: bb },
    inouts: { c: bc },
    attrs: { transA: false, transB: false },
    expected: { c: { data: plus(bc.data, matmulRef(ba.data, [2, 3, 4], bb.data, [4, 5], false, false).y) } },
    ...tol,
  });
  const acc = rnd([7, 13]);
  const ax = rnd([7, 13]);
  out.push({
    name: 'accumulate',
    op: 'accumulate',
    inputs: { x: ax },
    inouts: { acc },
    attrs: {},
    expected: { acc: { data: plus(acc.data, ax.data) } },
    ...tol,
  });
  return out;
}
