/**
 * `randomNormal`: Box–Muller on Philox bits, as `random/philox.ts`: element i uses block
 * offset + ⌊i/2⌋, lanes a = 2·(i mod 2) and a+1: u1 = ((bits_a >> 8) + 1)·2⁻²⁴ ∈ (0, 1],
 * u2 = (bits_{a+1} >> 8)·2⁻²⁴, z = √(−2 ln u1)·cos(2π u2). One thread per block (2 elements).
 * The bits are identical to the CPU; the f32 log and `cos_f` (`unary-math.ts`) differ from the
 * CPU's f64 by a few ulps.
 *
 * Params: 0 n, 1-2 seed, 3-4 offset, 5 mean, 6 std.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { PHILOX_WGSL, splitU64 } from './philox-wgsl.js';
import { TRIG_WGSL } from './unary-math.js';

export const randomNormal: GpuKernel<'randomNormal'> = (
  ctx,
  { outputs: { y }, attrs: { seed, offset, mean, std } },
) => {
  const t = wgslType(ctx, 'randomNormal', y.dtype);
  const n = sizeOf(y.shape);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${PHILOX_WGSL}${TRIG_WGSL}
@group(0) @binding(1) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let b = ${GLOBAL_INDEX(256)};
  let n = pu(0u);
  if (b * 2u >= n) { return; }
  let bits = philoxBlock(vec2<u32>(pu(1u), pu(2u)), vec2<u32>(pu(3u), pu(4u)), b);
  for (var l = 0u; l < 2u; l++) {
    let i = b * 2u + l;
    if (i < n) {
      let u1 = f32((bits[2u * l] >> 8u) + 1u) * (1.0 / 16777216.0);
      let u2 = bitsToUniform(bits[2u * l + 1u]);
      let z = sqrt(-2.0 * log(u1)) * cos_f(6.283185307179586 * u2);
      Y[i] = ${t}(pf(5u) + pf(6u) * z);
    }
  }
}`;
  const [s0, s1] = splitU64(seed);
  const [o0, o1] = splitU64(offset);
  const params = new Params().u32(n).u32(s0).u32(s1).u32(o0).u32(o1).f32(mean).f32(std);
  ctx.dispatch('randomNormal', code, [y], grid1d(Math.ceil(n / 2), 256), params.buffer);
};
