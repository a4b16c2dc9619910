/**
 * `scaleInPlace`: xs[i] ← xs[i]·scale for every tensor of the list, one dispatch per tensor (computed
 * in f32). The scale is bound as a storage buffer and read by every thread: it never leaves the GPU.
 *
 * Params: 0 n.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const scaleInPlace: GpuKernel<'scaleInPlace'> = (ctx, { inputs: { scale }, inouts: { xs } }) => {
  const t = wgslType(ctx, 'scaleInPlace', scale.dtype);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> S: array<${t}>;
@group(0) @binding(2) var<storage, read_write> X: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  X[i] = ${t}(f32(X[i]) * f32(S[0]));
}`;
  for (const x of xs) {
    const n = sizeOf(x.shape);
    if (n === 0) continue;
    ctx.dispatch('scaleInPlace', code, [scale, x], grid1d(n, 256), new Params().u32(n).buffer);
  }
};
