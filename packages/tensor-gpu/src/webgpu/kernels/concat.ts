/**
 * `concat`: one copy dispatch per input. Seen as (outer, chunk) blocks, input i of shape
 * (..., a_i, ...) along `axis` is `outer` rows of `a_i·inner` elements, landing in the output rows of
 * `A·inner` elements at column offset `(a_0 + ... + a_{i−1})·inner`.
 * Worked example: (2,3) + (2,5) on axis 1: outer 2, inner 1; input 1 row r → y[r·8 + 3 .. r·8 + 8].
 *
 * Params: 0 n (elements of this input), 1 chunk (a_i·inner), 2 out chunk (A·inner), 3 offset.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const concat: GpuKernel<'concat'> = (ctx, { inputs: { xs }, outputs: { y }, attrs: { axis } }) => {
  const t = wgslType(ctx, 'concat', y.dtype);
  const inner = sizeOf(y.shape.slice(axis + 1));
  const outChunk = y.shape[axis]! * inner;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let chunk = pu(1u);
  Y[(i / chunk) * pu(2u) + pu(3u) + i % chunk] = X[i];
}`;
  let offset = 0;
  for (const x of xs) {
    const n = sizeOf(x.shape);
    const chunk = x.shape[axis]! * inner;
    if (n > 0) {
      const params = new Params().u32(n).u32(chunk).u32(outChunk).u32(offset);
      ctx.dispatch('concat', code, [x, y], grid1d(n, 256), params.buffer);
    }
    offset += chunk;
  }
};
