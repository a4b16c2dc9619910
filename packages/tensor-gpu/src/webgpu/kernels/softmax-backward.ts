/**
 * `softmaxBackward` from the saved output y: softmax dx = y ⊙ (dy − Σ dy⊙y); log-softmax
 * dx = dy − exp(y) ⊙ Σ dy. One workgroup per row (one reduction, one write pass).
 *
 * Params: 0 rows, 1 C.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

export const softmaxBackward: GpuKernel<'softmaxBackward'> = (
  ctx,
  { inputs: { y, dy }, outputs: { dx }, attrs: { log } },
) => {
  const t = wgslType(ctx, 'softmaxBackward', y.dtype);
  const C = y.shape[y.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(y.shape) / C;
  const term = log ? 'f32(DY[base + c])' : 'f32(DY[base + c]) * f32(Y[base + c])';
  const out = log ? 'g - exp(yv) * s' : 'yv * (g - s)';
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> Y: array<${t}>;
@group(0) @binding(2) var<storage, read> DY: array<${t}>;
@group(0) @binding(3) var<storage, read_write> DX: array<${t}>;
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  var acc = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) { acc += ${term}; }
  let s = wgSum(acc, lid);
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    let yv = f32(Y[base + c]);
    let g = f32(DY[base + c]);
    DX[base + c] = ${t}(${out});
  }
}`;
  if (rows === 0) return;
  ctx.dispatch('softmaxBackward', code, [y, dy, dx], grid1d(rows, 1), new Params().u32(rows).u32(C).buffer);
};
