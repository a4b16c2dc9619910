/**
 * `unary`: y = f(x) elementwise (f from `unary-math.ts`), one thread per element, computed in f32.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { MATH_WGSL, unaryExpr } from './unary-math.js';

export const unary: GpuKernel<'unary'> = (ctx, { inputs: { x }, outputs: { y }, attrs: { op } }) => {
  const t = wgslType(ctx, 'unary', x.dtype);
  const n = sizeOf(x.shape);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${MATH_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let x = f32(X[i]);
  Y[i] = ${t}(${unaryExpr(op, 'x')});
}`;
  ctx.dispatch('unary', code, [x, y], grid1d(n, 256), new Params().u32(n).buffer);
};
