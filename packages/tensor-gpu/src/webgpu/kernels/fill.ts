/** `fill`: y = value everywhere (passed as f32 bits for floats, as the integer itself otherwise). */
import { sizeOf } from '../../backend/ops.js';
import { computeType, type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const fill: GpuKernel<'fill'> = (ctx, { outputs: { y }, attrs: { value } }) => {
  const t = wgslType(ctx, 'fill', y.dtype);
  const ct = computeType(t);
  const n = sizeOf(y.shape);
  const read = ct === 'f32' ? 'pf(1u)' : ct === 'i32' ? 'pi(1u)' : 'pu(1u)';
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  Y[i] = ${t}(${read});
}`;
  const params = new Params().u32(n);
  if (ct === 'f32') params.f32(value);
  else if (ct === 'i32') params.i32(value);
  else params.u32(value);
  ctx.dispatch('fill', code, [y], grid1d(n, 256), params.buffer);
};
