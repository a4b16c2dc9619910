/**
 * `unaryGrad`: dx = dy · f'(x) elementwise (f' recomputed from x, see `unary-math.ts`).
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { MATH_WGSL, unaryGradExpr } from './unary-math.js';

export const unaryGrad: GpuKernel<'unaryGrad'> = (
  ctx,
  { inputs: { x, dy }, outputs: { dx }, attrs: { op } },
) => {
  const t = wgslType(ctx, 'unaryGrad', x.dtype);
  const n = sizeOf(x.shape);
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${MATH_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> DY: array<${t}>;
@group(0) @binding(3) var<storage, read_write> DX: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let x = f32(X[i]);
  DX[i] = ${t}(f32(DY[i]) * ${unaryGradExpr(op, 'x')});
}`;
  ctx.dispatch('unaryGrad', code, [x, dy, dx], grid1d(n, 256), new Params().u32(n).buffer);
};
