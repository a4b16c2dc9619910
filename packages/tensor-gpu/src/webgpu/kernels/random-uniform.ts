/**
 * `randomUniform`: y_i = low + (high − low)·u_i, u_i from Philox block offset + ⌊i/4⌋, lane i mod 4
 * (the indexing of `random/philox.ts`). One thread per block of 4 elements.
 *
 * Params: 0 n, 1-2 seed, 3-4 offset, 5 low, 6 high.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { PHILOX_WGSL, splitU64 } from './philox-wgsl.js';

export const randomUniform: GpuKernel<'randomUniform'> = (
  ctx,
  { outputs: { y }, attrs: { seed, offset, low, high } },
) => {
  const t = wgslType(ctx, 'randomUniform', y.dtype);
  const n = sizeOf(y.shape);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${PHILOX_WGSL}
@group(0) @binding(1) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let b = ${GLOBAL_INDEX(256)};
  let n = pu(0u);
  if (b * 4u >= n) { return; }
  let bits = philoxBlock(vec2<u32>(pu(1u), pu(2u)), vec2<u32>(pu(3u), pu(4u)), b);
  let lo = pf(5u);
  let span = pf(6u) - lo;
  for (var l = 0u; l < 4u; l++) {
    let i = b * 4u + l;
    if (i < n) { Y[i] = ${t}(lo + span * bitsToUniform(bits[l])); }
  }
}`;
  const [s0, s1] = splitU64(seed);
  const [o0, o1] = splitU64(offset);
  const params = new Params().u32(n).u32(s0).u32(s1).u32(o0).u32(o1).f32(low).f32(high);
  ctx.dispatch('randomUniform', code, [y], grid1d(Math.ceil(n / 4), 256), params.buffer);
};
