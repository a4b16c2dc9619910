/**
 * `argmax` along any axis: the tensor is seen as (outer, A, inner); one thread per (outer, inner)
 * walks the A values with stride `inner` and keeps the first largest (strict `>`, so ties keep the
 * lower index).
 *
 * Params: 0 outer·inner, 1 A, 2 inner.
 */
import { sizeOf } from '../../backend/ops.js';
import { computeType, type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const argmax: GpuKernel<'argmax'> = (
  ctx,
  { inputs: { x }, outputs: { indices }, attrs: { axis } },
) => {
  const t = wgslType(ctx, 'argmax', x.dtype);
  const ct = computeType(t);
  const A = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const n = sizeOf(x.shape) / Math.max(1, A);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> IDX: array<i32>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let j = ${GLOBAL_INDEX(256)};
  if (j >= pu(0u)) { return; }
  let A = pu(1u);
  let inner = pu(2u);
  let base = (j / inner) * A * inner + j % inner;
  var best = ${ct}(X[base]);
  var bi = 0u;
  for (var a = 1u; a < A; a++) {
    let v = ${ct}(X[base + a * inner]);
    if (v > best) { best = v; bi = a; }
  }
  IDX[j] = i32(bi);
}`;
  if (n === 0 || A === 0) return;
  ctx.dispatch('argmax', code, [x, indices], grid1d(n, 256), new Params().u32(n).u32(A).u32(inner).buffer);
};
