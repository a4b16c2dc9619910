/**
 * `softmax` and `logSoftmax` over the last axis: one workgroup per row, three passes over the row
 * (max, Σ exp(x − max), write), all in f32.
 *
 * Params: 0 rows, 1 C (row length).
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, type GpuTensor, type KernelContext, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

/** Records softmax (or log-softmax) of x's rows into y. */
export function encodeSoftmax(
  ctx: KernelContext,
  op: string,
  x: GpuTensor,
  y: GpuTensor,
  log: boolean,
): void {
  const t = wgslType(ctx, op, x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const out = log ? 'v - m - log(s)' : 'exp(v - m) / s';
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  var mx = negInf();
  for (var c = lid; c < C; c += ${ROW_WG}u) { mx = max(mx, f32(X[base + c])); }
  let m = wgMax(mx, lid);
  var acc = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { acc += exp(f32(X[base + c]) - m); }
  let s = wgSum(acc, lid);
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    let v = f32(X[base + c]);
    Y[base + c] = ${t}(${out});
  }
}`;
  if (rows === 0) return;
  ctx.dispatch(op, code, [x, y], grid1d(rows, 1), new Params().u32(rows).u32(C).buffer);
}

export const softmax: GpuKernel<'softmax'> = (ctx, { inputs: { x }, outputs: { y } }) =>
  encodeSoftmax(ctx, 'softmax', x, y, false);
