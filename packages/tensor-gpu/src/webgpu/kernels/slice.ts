/** `slice`: y = x[starts:ends] per axis: x's own strides, starting at Σ starts_k · stride_k. */
import { stridesOf } from '../../backend/ops.js';
import type { GpuKernel } from '../kernel-context.js';
import { stridedCopy } from './copy-wgsl.js';

export const slice: GpuKernel<'slice'> = (ctx, { inputs: { x }, outputs: { y }, attrs: { starts } }) => {
  const xs = stridesOf(x.shape);
  const base = starts.reduce((acc, s, k) => acc + s * xs[k]!, 0);
  stridedCopy(ctx, 'slice', x, y, xs, base);
};
