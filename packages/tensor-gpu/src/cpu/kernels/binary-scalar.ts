/**
 * CPU kernel of `binaryScalar`: y = a ∘ s, or s ∘ a when `reverse` (1 − x is `sub` reversed).
 * Runs `binaryRow` with the scalar as a stride-0 operand.
 */
import { binaryRow } from './binary.js';
import type { CpuKernel } from './kernel.js';

export const binaryScalarKernel: CpuKernel<'binaryScalar'> = ({ inputs: { a }, outputs: { y }, attrs }) => {
  const s = new Float64Array([attrs.scalar]);
  const n = a.storage.length;
  if (attrs.reverse) binaryRow(attrs.op, y.storage, 0, s, 0, 0, a.storage, 0, 1, n);
  else binaryRow(attrs.op, y.storage, 0, a.storage, 0, 1, s, 0, 0, n);
};
