/**
 * CPU kernel of `expand`: y = x broadcast to a larger shape (the backward of a sum over those axes).
 * Example: x (3,1) = [[1],[2],[3]] → (2,3,2) = [[[1,1],[2,2],[3,3]], [[1,1],[2,2],[3,3]]].
 */
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { broadcastStrides, forEachRow, planStrided } from './strided.js';

export const expandKernel: CpuKernel<'expand'> = ({ inputs: { x }, outputs: { y } }) => {
  const plan = planStrided(y.shape, [stridesOf(y.shape), broadcastStrides(x.shape, y.shape)]);
  const xs = plan.innerStrides[1]!;
  const n = plan.inner;
  const xa = x.storage;
  const ya = y.storage;
  forEachRow(plan, (o) => {
    const yo = o[0]!;
    const xo = o[1]!;
    if (xs === 0) ya.fill(xa[xo]!, yo, yo + n);
    else for (let i = 0; i < n; i++) ya[yo + i] = xa[xo + i * xs]!;
  });
};
