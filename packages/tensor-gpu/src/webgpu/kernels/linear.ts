/**
 * `linear`: y = act(x·Wᵀ + b). The product is the matmul kernel (`encodeMatmul`, W read transposed),
 * written into `pre` when an activation follows (else into y); one elementwise pass then adds the
 * bias and applies the activation (pre keeps x·Wᵀ + b for the backward). With neither, the product
 * is all there is.
 *
 * Params (epilogue): 0 n, 1 F.
 */
import { sizeOf } from '../../backend/ops.js';
import { BackendError } from '../../errors.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { encodeMatmul } from './matmul.js';
import { MATH_WGSL, unaryExpr } from './unary-math.js';

export const linear: GpuKernel<'linear'> = (
  ctx,
  { inputs: { x, weight, bias }, outputs: { y, pre }, attrs: { activation } },
) => {
  const t = wgslType(ctx, 'linear', x.dtype);
  if (t !== 'f32' && t !== 'f16') {
    throw new BackendError({ operation: 'linear', expected: 'f32 or f16 operands', found: t });
  }
  const [F, K] = weight.shape as [number, number];
  const n = sizeOf(y.shape);
  const rows = F === 0 ? 0 : n / F;
  if (n === 0) return;
  const act = activation !== 'none';
  const acc = act ? pre : y;
  if (K === 0) {
    throw new BackendError({
      operation: 'linear',
      expected: 'at least one input feature on WebGPU',
      found: `weight (${F}, 0)`,
      hint: 'use matmul for an empty product',
    });
  }
  encodeMatmul(ctx, { a: x, b: weight, c: acc, M: rows, N: F, K, transA: false, transB: true, dtype: t });
  if (!bias && !act) return;
  const bindings = [acc, ...(bias ? [bias] : []), ...(act ? [y] : [])];
  let b = 1;
  const decl = (name: string, access: string) =>
    `@group(0) @binding(${b++}) var<storage, ${access}> ${name}: array<${t}>;`;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${act ? MATH_WGSL : ''}
${decl('PRE', 'read_write')}
${bias ? decl('B', 'read') : ''}
${act ? decl('Y', 'read_write') : ''}
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let v = f32(PRE[i])${bias ? ' + f32(B[i % pu(1u)])' : ''};
  ${bias ? `PRE[i] = ${t}(v);` : ''}
  ${act ? `Y[i] = ${t}(${unaryExpr(activation, 'v')});` : ''}
}`;
  ctx.dispatch('linear', code, bindings, grid1d(n, 256), new Params().u32(n).u32(F).buffer);
};
