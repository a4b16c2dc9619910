/**
 * CPU kernels of `fill` (y = value) and `arange` (y_i = start + i·step).
 * Example: arange start 2, step 0.5, size 3 → [2, 2.5, 3].
 */
import { toF16Bits } from '../../backend/dtype.js';
import type { CpuKernel } from './kernel.js';

export const fillKernel: CpuKernel<'fill'> = ({ outputs: { y }, attrs: { value, dtype } }) => {
  y.storage.fill(dtype === 'f16' ? toF16Bits(value) : value);
};

export const arangeKernel: CpuKernel<'arange'> = ({
  outputs: { y },
  attrs: { start, step, size, dtype },
}) => {
  const ya = y.storage;
  if (dtype === 'f16') for (let i = 0; i < size; i++) ya[i] = toF16Bits(start + i * step);
  else for (let i = 0; i < size; i++) ya[i] = start + i * step;
};
