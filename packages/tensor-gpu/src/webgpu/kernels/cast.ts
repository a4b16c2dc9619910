/**
 * `cast`: y = x converted to another dtype. WGSL conversions: float → int truncates toward zero
 * (saturating), i32 ↔ u32 keeps the bits, f32 → f16 rounds to nearest.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const cast: GpuKernel<'cast'> = (ctx, { inputs: { x }, outputs: { y } }) => {
  const tx = wgslType(ctx, 'cast', x.dtype);
  const ty = wgslType(ctx, 'cast', y.dtype);
  const n = sizeOf(x.shape);
  // f16 ↔ int goes through f32 (WGSL has no direct f16 → i32 in every implementation).
  const value = tx === 'f16' || ty === 'f16' ? `${ty}(f32(X[i]))` : `${ty}(X[i])`;
  const code = /* wgsl */ `${enables(tx, ty)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${tx}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${ty}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  Y[i] = ${value};
}`;
  ctx.dispatch('cast', code, [x, y], grid1d(n, 256), new Params().u32(n).buffer);
};
