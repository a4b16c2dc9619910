/** `expand`: y = x broadcast to `shape` (a strided copy with 0 strides on stretched axes). */
import type { GpuKernel } from '../kernel-context.js';
import { broadcastStrides } from '../wgsl.js';
import { stridedCopy } from './copy-wgsl.js';

export const expand: GpuKernel<'expand'> = (ctx, { inputs: { x }, outputs: { y } }) => {
  stridedCopy(ctx, 'expand', x, y, broadcastStrides(x.shape, y.shape));
};
