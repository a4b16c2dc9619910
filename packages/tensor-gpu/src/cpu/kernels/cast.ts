/**
 * CPU kernel of `cast`. Typed-array `set` converts like C: float → i32 truncates toward zero (and
 * wraps modulo 2³²), negative → u32 wraps. f16 goes through its bit pattern, rounding to nearest even.
 * Example: [1.7, -1.7, 3e9] f32 → i32 [1, -1, -1294967296].
 */
import { fromF16Bits, toF16Bits } from '../../backend/dtype.js';
import type { CpuKernel } from './kernel.js';

export const castKernel: CpuKernel<'cast'> = ({ inputs: { x }, outputs: { y } }) => {
  const xa = x.storage;
  const ya = y.storage;
  const n = xa.length;
  const fromHalf = x.dtype === 'f16';
  const toHalf = y.dtype === 'f16';
  if (fromHalf === toHalf) {
    ya.set(xa);
  } else if (toHalf) {
    for (let i = 0; i < n; i++) ya[i] = toF16Bits(xa[i]!);
  } else {
    for (let i = 0; i < n; i++) ya[i] = fromF16Bits(xa[i]!);
  }
};
