/**
 * `rmsNorm` (Llama): rstd = 1/√(Σx²/C + eps), y = x·rstd·w over the last axis. One workgroup per row.
 *
 * Params: 0 rows, 1 C, 2 eps.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

export const rmsNorm: GpuKernel<'rmsNorm'> = (
  ctx,
  { inputs: { x, weight }, outputs: { y, rstd }, attrs: { eps } },
) => {
  const t = wgslType(ctx, 'rmsNorm', x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> W: array<${t}>;
@group(0) @binding(3) var<storage, read_write> Y: array<${t}>;
@group(0) @binding(4) var<storage, read_write> RSTD: array<f32>;
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  var acc = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { let v = f32(X[base + c]); acc += v * v; }
  let rs = 1.0 / sqrt(wgSum(acc, lid) / f32(C) + pf(2u));
  for (var c = lid; c < C; c += ${ROW_WG}u) { Y[base + c] = ${t}(f32(X[base + c]) * rs * f32(W[c])); }
  if (lid == 0u) { RSTD[row] = rs; }
}`;
  if (rows === 0) return;
  ctx.dispatch(
    'rmsNorm',
    code,
    [x, weight, y, rstd],
    grid1d(rows, 1),
    new Params().u32(rows).u32(C).f32(eps).buffer,
  );
};
