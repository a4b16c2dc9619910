/** `logSoftmax` over the last axis: x − max − log Σ exp(x − max) (shares softmax's kernel). */
import type { GpuKernel } from '../kernel-context.js';
import { encodeSoftmax } from './softmax.js';

export const logSoftmax: GpuKernel<'logSoftmax'> = (ctx, { inputs: { x }, outputs: { y } }) =>
  encodeSoftmax(ctx, 'logSoftmax', x, y, true);
