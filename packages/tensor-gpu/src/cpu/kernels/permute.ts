/**
 * CPU kernel of `permute`: y.shape[i] = x.shape[perm[i]], copied so y is contiguous.
 * Reads x with its strides reordered by perm; contiguous runs are merged by `strided.ts`.
 * Example: x (2,3) perm [1,0] (a transpose) reads x with strides [1,3].
 */
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { forEachRow, planStrided } from './strided.js';

export const permuteKernel: CpuKernel<'permute'> = ({ inputs: { x }, outputs: { y }, attrs: { perm } }) => {
  const xs = stridesOf(x.shape);
  const plan = planStrided(y.shape, [stridesOf(y.shape), perm.map((p) => xs[p]!)]);
  const s = plan.innerStrides[1]!;
  const n = plan.inner;
  const xa = x.storage;
  const ya = y.storage;
  forEachRow(plan, (o) => {
    const yo = o[0]!;
    const xo = o[1]!;
    if (s === 1) ya.set(xa.subarray(xo, xo + n), yo);
    else for (let i = 0; i < n; i++) ya[yo + i] = xa[xo + i * s]!;
  });
};
