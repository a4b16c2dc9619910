/** `permute`: y.shape[i] = x.shape[perm[i]]; output axis i walks x with x's stride of axis perm[i]. */
import { stridesOf } from '../../backend/ops.js';
import type { GpuKernel } from '../kernel-context.js';
import { stridedCopy } from './copy-wgsl.js';

export const permute: GpuKernel<'permute'> = (ctx, { inputs: { x }, outputs: { y }, attrs: { perm } }) => {
  const xs = stridesOf(x.shape);
  stridedCopy(
    ctx,
    'permute',
    x,
    y,
    perm.map((p) => xs[p]!),
  );
};
