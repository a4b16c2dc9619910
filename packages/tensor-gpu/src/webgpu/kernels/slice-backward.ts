/**
 * `sliceBackward`: dx = zeros(inputShape) with dy written at `starts`. One thread per element of dx:
 * it decomposes its index, and reads dy when every coordinate falls inside the sliced box, else
 * writes 0 (so dx needs no separate zero-fill).
 *
 * Params: 0 n, 1 rank, 2..9 dx shape, 10..17 starts, 18..25 dy shape.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, requireMaxRank, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, MAX_RANK, PARAMS_WGSL, Params } from '../wgsl.js';

export const sliceBackward: GpuKernel<'sliceBackward'> = (
  ctx,
  { inputs: { dy }, outputs: { dx }, attrs: { starts, inputShape } },
) => {
  const t = wgslType(ctx, 'sliceBackward', dy.dtype);
  requireMaxRank('sliceBackward', inputShape, MAX_RANK);
  const n = sizeOf(inputShape);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> DY: array<${t}>;
@group(0) @binding(2) var<storage, read_write> DX: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let r = pu(1u);
  var rem = i;
  var off = 0u;
  var stride = 1u;
  var inside = true;
  for (var k = 0u; k < r; k++) {
    let d = r - 1u - k;
    let size = pu(2u + d);
    let idx = rem % size;
    rem = rem / size;
    let start = pu(10u + d);
    let len = pu(18u + d);
    if (idx < start || idx >= start + len) { inside = false; }
    off += (idx - start) * stride;
    stride *= len;
  }
  DX[i] = select(${t}(0), DY[off], inside);
}`;
  const params = new Params()
    .u32(n)
    .u32(inputShape.length)
    .u32s(inputShape, MAX_RANK, 1)
    .u32s(starts, MAX_RANK)
    .u32s(dy.shape, MAX_RANK, 1);
  ctx.dispatch('sliceBackward', code, [dy, dx], grid1d(n, 256), params.buffer);
};
