/**
 * `binary`: y = a ∘ b with numpy broadcasting. One thread per output element; each operand is read
 * through strides that are 0 along broadcast axes, after `collapseAxes` merged what it could
 * ((2,3,4) + (2,3,4) is one axis of 24; (8,768) + (768) is two axes with a's row stride 768, b's 0).
 * Floats compute in f32, integers in their own type; comparisons write 1/0.
 *
 * Params: 0 n, 1 rank, 2..9 shape, 10..17 a strides, 18..25 b strides.
 */
import { isCompareKind, sizeOf } from '../../backend/ops.js';
import { computeType, type GpuKernel, requireMaxRank, wgslType } from '../kernel-context.js';
import {
  broadcastStrides,
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
import { binaryExpr, MATH_WGSL } from './unary-math.js';

export const binary: GpuKernel<'binary'> = (ctx, { inputs: { a, b }, outputs: { y }, attrs: { op } }) => {
  const ta = wgslType(ctx, op, a.dtype);
  const ty = wgslType(ctx, op, y.dtype);
  const ct = computeType(ta);
  const n = sizeOf(y.shape);
  const c = collapseAxes(y.shape, [broadcastStrides(a.shape, y.shape), broadcastStrides(b.shape, y.shape)]);
  requireMaxRank(op, c.shape, MAX_RANK);
  const expr = binaryExpr(op, 'va', 'vb');
  const value = isCompareKind(op) ? `select(${ty}(0), ${ty}(1), ${expr})` : `${ty}(${expr})`;
  const code = /* wgsl */ `${enables(ta, ty)}${PARAMS_WGSL}${ct === 'f32' ? MATH_WGSL : ''}
${stridedOffsetWGSL('offA', 1, 2, 10)}
${stridedOffsetWGSL('offB', 1, 2, 18)}
@group(0) @binding(1) var<storage, read> A: array<${ta}>;
@group(0) @binding(2) var<storage, read> B: array<${ta}>;
@group(0) @binding(3) var<storage, read_write> Y: array<${ty}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let va = ${ct}(A[offA(i)]);
  let vb = ${ct}(B[offB(i)]);
  Y[i] = ${value};
}`;
  const params = new Params()
    .u32(n)
    .u32(c.shape.length)
    .u32s(c.shape, MAX_RANK, 1)
    .u32s(c.strides[0]!, MAX_RANK)
    .u32s(c.strides[1]!, MAX_RANK);
  ctx.dispatch(op, code, [a, b, y], grid1d(n, 256), params.buffer);
};
