/**
 * `adamw`: one in-place AdamW step (torch.optim.AdamW), one thread per parameter:
 *   p ← p·(1 − lr·wd);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps)
 * The bias corrections are computed on the host in f64 and passed as f32 constants.
 * param, m and v are `inout`: bound read_write once each.
 *
 * Params: 0 n, 1 decay factor 1 − lr·wd, 2 β1, 3 β2, 4 step size lr/(1−β1^t), 5 1/√(1−β2^t), 6 eps,
 * 7 1−β1, 8 1−β2 (computed in f64: 1 − f32(0.999) in f32 would be off by 1e-5 relative).
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const adamw: GpuKernel<'adamw'> = (ctx, { inputs: { grad }, inouts: { param, m, v }, attrs }) => {
  const t = wgslType(ctx, 'adamw', param.dtype);
  const n = sizeOf(param.shape);
  const { lr, beta1, beta2, eps, weightDecay, step } = attrs;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> G: array<${t}>;
@group(0) @binding(2) var<storage, read_write> PARAM: array<${t}>;
@group(0) @binding(3) var<storage, read_write> M: array<${t}>;
@group(0) @binding(4) var<storage, read_write> V: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let g = f32(G[i]);
  let m = pf(2u) * f32(M[i]) + pf(7u) * g;
  let v = pf(3u) * f32(V[i]) + pf(8u) * g * g;
  let p = f32(PARAM[i]) * pf(1u);
  M[i] = ${t}(m);
  V[i] = ${t}(v);
  PARAM[i] = ${t}(p - pf(4u) * m / (sqrt(v) * pf(5u) + pf(6u)));
}`;
  const params = new Params()
    .u32(n)
    .f32(1 - lr * weightDecay)
    .f32(beta1)
    .f32(beta2)
    .f32(lr / (1 - beta1 ** step))
    .f32(1 / Math.sqrt(1 - beta2 ** step))
    .f32(eps)
    .f32(1 - beta1)
    .f32(1 - beta2);
  ctx.dispatch('adamw', code, [grad, param, m, v], grid1d(n, 256), params.buffer);
};
