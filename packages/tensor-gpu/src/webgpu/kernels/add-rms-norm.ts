/**
 * `addRmsNorm`: sum = x + residual, y = rmsNorm(sum), one workgroup per row (as `rmsNorm`); the sum is
 * recomputed in f32 in each pass (see `add-layer-norm.ts`).
 *
 * Params: 0 rows, 1 C, 2 eps.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

export const addRmsNorm: GpuKernel<'addRmsNorm'> = (
  ctx,
  { inputs: { x, residual, weight }, outputs: { sum, y, rstd }, attrs: { eps } },
) => {
  const t = wgslType(ctx, 'addRmsNorm', x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> R: array<${t}>;
@group(0) @binding(3) var<storage, read> W: array<${t}>;
@group(0) @binding(4) var<storage, read_write> SUM: array<${t}>;
@group(0) @binding(5) var<storage, read_write> Y: array<${t}>;
@group(0) @binding(6) var<storage, read_write> RSTD: array<f32>;
fn s(i: u32) -> f32 { return f32(X[i]) + f32(R[i]); }
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  var acc = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { let v = s(base + c); SUM[base + c] = ${t}(v); acc += v * v; }
  let rs = 1.0 / sqrt(wgSum(acc, lid) / f32(C) + pf(2u));
  for (var c = lid; c < C; c += ${ROW_WG}u) { Y[base + c] = ${t}(s(base + c) * rs * f32(W[c])); }
  if (lid == 0u) { RSTD[row] = rs; }
}`;
  if (rows === 0) return;
  ctx.dispatch(
    'addRmsNorm',
    code,
    [x, residual, weight, sum, y, rstd],
    grid1d(rows, 1),
    new Params().u32(rows).u32(C).f32(eps).buffer,
  );
};
