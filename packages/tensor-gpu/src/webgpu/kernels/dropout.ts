/**
 * `dropout`: y_i = u_i < p ? 0 : x_i/(1−p) with u_i the Philox uniform of element i (block
 * offset + ⌊i/4⌋, lane i mod 4): the same mask as the CPU backend, regenerated in backward.
 *
 * The test u < p is done on the integer k = bits >> 8 (u = k·2⁻²⁴): keep ⇔ k ≥ ⌈p·2²⁴⌉, exact
 * for any p (an f32 copy of p could round across a grid point).
 *
 * Params: 0 n, 1-2 seed, 3-4 offset, 5 threshold ⌈p·2²⁴⌉, 6 1/(1−p).
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { PHILOX_WGSL, splitU64 } from './philox-wgsl.js';

export const dropout: GpuKernel<'dropout'> = (
  ctx,
  { inputs: { x }, outputs: { y }, attrs: { p, seed, offset } },
) => {
  const t = wgslType(ctx, 'dropout', x.dtype);
  const n = sizeOf(x.shape);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${PHILOX_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let b = ${GLOBAL_INDEX(256)};
  let n = pu(0u);
  if (b * 4u >= n) { return; }
  let bits = philoxBlock(vec2<u32>(pu(1u), pu(2u)), vec2<u32>(pu(3u), pu(4u)), b);
  for (var l = 0u; l < 4u; l++) {
    let i = b * 4u + l;
    if (i < n) {
      let keep = (bits[l] >> 8u) >= pu(5u);
      Y[i] = select(${t}(0.0), ${t}(f32(X[i]) * pf(6u)), keep);
    }
  }
}`;
  const [s0, s1] = splitU64(seed);
  const [o0, o1] = splitU64(offset);
  const params = new Params()
    .u32(n)
    .u32(s0)
    .u32(s1)
    .u32(o0)
    .u32(o1)
    .u32(Math.ceil(p * 16777216))
    .f32(1 / (1 - p));
  ctx.dispatch('dropout', code, [x, y], grid1d(Math.ceil(n / 4), 256), params.buffer);
};
