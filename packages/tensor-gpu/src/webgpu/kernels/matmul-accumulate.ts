/**
 * `matmulAccumulate`: c += op(a)·op(b). The tiled matmul kernels write their output, so the product
 * goes to a scratch buffer (the `matmul` kernel, with all its shape handling) and one elementwise
 * pass adds it into c.
 */
import { sizeOf } from '../../backend/ops.js';
import type { GpuKernel, GpuTensor } from '../kernel-context.js';
import { encodeAccumulate } from './accumulate.js';
import { matmul } from './matmul.js';

export const matmulAccumulate: GpuKernel<'matmulAccumulate'> = (ctx, { inputs, inouts: { c }, attrs }) => {
  const bytes = sizeOf(c.shape) * (c.dtype === 'f16' ? 2 : 4);
  if (bytes === 0) return;
  const words = Math.ceil(bytes / 4) * 4; // bindings are whole 4-byte words (an odd number of f16s)
  const tmp = ctx.scratch(words);
  const product: GpuTensor = {
    storage: { buffer: tmp.buffer, capacity: tmp.buffer.size, byteLength: bytes, freed: false },
    shape: c.shape,
    dtype: c.dtype,
  };
  matmul(ctx, { inputs, outputs: { y: product }, inouts: {}, attrs });
  encodeAccumulate(ctx, 'matmulAccumulate', c, { buffer: tmp.buffer, size: words });
};
