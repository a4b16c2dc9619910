/**
 * `layerNorm` over the last axis: one workgroup per row, two reductions (mean, then the variance of
 * x − mean: two passes are more accurate than E[x²] − E[x]²), then y = (x − mean)·rstd·w + b.
 * Saves mean and rstd (f32) for the backward.
 *
 * Params: 0 rows, 1 C, 2 eps.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

export const layerNorm: GpuKernel<'layerNorm'> = (
  ctx,
  { inputs: { x, weight, bias }, outputs: { y, mean, rstd }, attrs: { eps } },
) => {
  const t = wgslType(ctx, 'layerNorm', x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> W: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;
@group(0) @binding(4) var<storage, read_write> Y: array<${t}>;
@group(0) @binding(5) var<storage, read_write> MEAN: array<f32>;
@group(0) @binding(6) var<storage, read_write> RSTD: array<f32>;
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  var acc = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { acc += f32(X[base + c]); }
  let mu = wgSum(acc, lid) / f32(C);
  var acc2 = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { let d = f32(X[base + c]) - mu; acc2 += d * d; }
  let rs = 1.0 / sqrt(wgSum(acc2, lid) / f32(C) + pf(2u));
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    Y[base + c] = ${t}((f32(X[base + c]) - mu) * rs * f32(W[c]) + f32(B[c]));
  }
  if (lid == 0u) { MEAN[row] = mu; RSTD[row] = rs; }
}`;
  if (rows === 0) return;
  ctx.dispatch(
    'layerNorm',
    code,
    [x, weight, bias, y, mean, rstd],
    grid1d(rows, 1),
    new Params().u32(rows).u32(C).f32(eps).buffer,
  );
};
