/**
 * `binaryScalar`: y = a ∘ s (or s ∘ a when `reverse`), s a number passed as a kernel parameter
 * (f32 bits for float tensors, i32/u32 for integer ones).
 */
import { isCompareKind, sizeOf } from '../../backend/ops.js';
import { computeType, type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { binaryExpr, MATH_WGSL } from './unary-math.js';

export const binaryScalar: GpuKernel<'binaryScalar'> = (
  ctx,
  { inputs: { a }, outputs: { y }, attrs: { op, scalar, reverse } },
) => {
  const ta = wgslType(ctx, op, a.dtype);
  const ty = wgslType(ctx, op, y.dtype);
  const ct = computeType(ta);
  const n = sizeOf(y.shape);
  const expr = reverse ? binaryExpr(op, 's', 'va') : binaryExpr(op, 'va', 's');
  const value = isCompareKind(op) ? `select(${ty}(0), ${ty}(1), ${expr})` : `${ty}(${expr})`;
  const read = ct === 'f32' ? 'pf(1u)' : ct === 'i32' ? 'pi(1u)' : 'pu(1u)';
  const code = /* wgsl */ `${enables(ta, ty)}${PARAMS_WGSL}${ct === 'f32' ? MATH_WGSL : ''}
@group(0) @binding(1) var<storage, read> A: array<${ta}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${ty}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let va = ${ct}(A[i]);
  let s = ${read};
  Y[i] = ${value};
}`;
  const params = new Params().u32(n);
  if (ct === 'f32') params.f32(scalar);
  else if (ct === 'i32') params.i32(scalar);
  else params.u32(scalar);
  ctx.dispatch(op, code, [a, y], grid1d(n, 256), params.buffer);
};
