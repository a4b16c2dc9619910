/** `arange`: y_i = start + i·step (in f32 for float dtypes, in the integer type otherwise). */
import { sizeOf } from '../../backend/ops.js';
import { computeType, type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const arange: GpuKernel<'arange'> = (ctx, { outputs: { y }, attrs: { start, step } }) => {
  const t = wgslType(ctx, 'arange', y.dtype);
  const ct = computeType(t);
  const n = sizeOf(y.shape);
  const read = (w: number) => (ct === 'f32' ? `pf(${w}u)` : ct === 'i32' ? `pi(${w}u)` : `pu(${w}u)`);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  Y[i] = ${t}(${read(1)} + ${ct}(i) * ${read(2)});
}`;
  const params = new Params().u32(n);
  if (ct === 'f32') params.f32(start).f32(step);
  else if (ct === 'i32') params.i32(start).i32(step);
  else params.u32(start).u32(step);
  ctx.dispatch('arange', code, [y], grid1d(n, 256), params.buffer);
};
