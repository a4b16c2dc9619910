/**
 * `addLayerNorm`: sum = x + residual, y = layerNorm(sum), one workgroup per row (as `layerNorm`). The
 * sum is recomputed in f32 in each pass over the row rather than read back, so with f16 storage the
 * norm sees the unrounded sum, as the CPU kernel does.
 *
 * Params: 0 rows, 1 C, 2 eps.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

export const addLayerNorm: GpuKernel<'addLayerNorm'> = (
  ctx,
  { inputs: { x, residual, weight, bias }, outputs: { sum, y, mean, rstd }, attrs: { eps } },
) => {
  const t = wgslType(ctx, 'addLayerNorm', x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> R: array<${t}>;
@group(0) @binding(3) var<storage, read> W: array<${t}>;
@group(0) @binding(4) var<storage, read> B: array<${t}>;
@group(0) @binding(5) var<storage, read_write> SUM: array<${t}>;
@group(0) @binding(6) var<storage, read_write> Y: array<${t}>;
@group(0) @binding(7) var<storage, read_write> MEAN: array<f32>;
@group(0) @binding(8) var<storage, read_write> RSTD: array<f32>;
fn s(i: u32) -> f32 { return f32(X[i]) + f32(R[i]); }
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  var acc = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { let v = s(base + c); SUM[base + c] = ${t}(v); acc += v; }
  let mu = wgSum(acc, lid) / f32(C);
  var acc2 = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { let d = s(base + c) - mu; acc2 += d * d; }
  let rs = 1.0 / sqrt(wgSum(acc2, lid) / f32(C) + pf(2u));
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    Y[base + c] = ${t}((s(base + c) - mu) * rs * f32(W[c]) + f32(B[c]));
  }
  if (lid == 0u) { MEAN[row] = mu; RSTD[row] = rs; }
}`;
  if (rows === 0) return;
  ctx.dispatch(
    'addLayerNorm',
    code,
    [x, residual, weight, bias, sum, y, mean, rstd],
    grid1d(rows, 1),
    new Params().u32(rows).u32(C).f32(eps).buffer,
  );
};
