/**
 * `accumulate`: acc += x elementwise, in place (computed in f32). Also the second half of
 * `matmulAccumulate` (`matmul-accumulate.ts`).
 *
 * Params: 0 n.
 */
import { sizeOf } from '../../backend/ops.js';
import type { StorageBinding } from '../command-batcher.js';
import { type GpuKernel, type GpuTensor, type KernelContext, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

/** Records acc[i] += x[i] for i < size of acc (x may be a raw buffer of the same dtype). */
export function encodeAccumulate(
  ctx: KernelContext,
  op: string,
  acc: GpuTensor,
  x: GpuTensor | StorageBinding,
): void {
  const t = wgslType(ctx, op, acc.dtype);
  const n = sizeOf(acc.shape);
  if (n === 0) return;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> ACC: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  ACC[i] = ${t}(f32(ACC[i]) + f32(X[i]));
}`;
  ctx.dispatch(op, code, [x, acc], grid1d(n, 256), new Params().u32(n).buffer);
}

export const accumulate: GpuKernel<'accumulate'> = (ctx, { inputs: { x }, inouts: { acc } }) =>
  encodeAccumulate(ctx, 'accumulate', acc, x);
