/**
 * One gather-style copy kernel shared by `expand`, `permute` and `slice`: y[i] = x[base + off(i)],
 * where off decomposes output index i over the (collapsed) output shape and multiplies by per-axis
 * input strides. The three ops differ only in the strides (and base) they pass:
 *   expand  (3,1) → (2,3,4): strides (0,1,0)
 *   permute (2,3,4) perm [2,0,1]: output (4,2,3), strides (1,12,4)
 *   slice   x (4,5) [1:3, 2:5]: output (2,3), strides (5,1), base 1·5 + 2 = 7
 *
 * Params: 0 n, 1 rank, 2 base, 3..10 shape, 11..18 strides.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuTensor, type KernelContext, requireMaxRank, wgslType } from '../kernel-context.js';
import {
  collapseAxes,
  ENTRY_1D_ARGS,
  enables,
  GLOBAL_INDEX,
  grid1d,
  MAX_RANK,
  PARAMS_WGSL,
  Params,
  stridedOffsetWGSL,
} from '../wgsl.js';

/** Records y[i] = x[base + Σ idx_k · strides_k] for every element of y. */
export function stridedCopy(
  ctx: KernelContext,
  op: string,
  x: GpuTensor,
  y: GpuTensor,
  strides: readonly number[],
  base = 0,
): void {
  const t = wgslType(ctx, op, x.dtype);
  const n = sizeOf(y.shape);
  const c = collapseAxes(y.shape, [strides]);
  requireMaxRank(op, c.shape, MAX_RANK);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
${stridedOffsetWGSL('offX', 1, 3, 11)}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  Y[i] = X[pu(2u) + offX(i)];
}`;
  const params = new Params()
    .u32(n)
    .u32(c.shape.length)
    .u32(base)
    .u32s(c.shape, MAX_RANK, 1)
    .u32s(c.strides[0]!, MAX_RANK);
  ctx.dispatch(op, code, [x, y], grid1d(n, 256), params.buffer);
}
