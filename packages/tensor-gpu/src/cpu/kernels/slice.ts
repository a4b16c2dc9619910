/**
 * CPU kernel of `slice`: y = x[starts:ends] per axis (step 1), copied row by row.
 * Example: x (3,4), starts [1,1], ends [3,3] → y (2,2) = rows 1..2, columns 1..2.
 */
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { forEachRow, planStrided } from './strided.js';

export const sliceKernel: CpuKernel<'slice'> = ({ inputs: { x }, outputs: { y }, attrs: { starts } }) => {
  const xs = stridesOf(x.shape);
  let base = 0;
  for (let i = 0; i < starts.length; i++) base += starts[i]! * xs[i]!;
  const plan = planStrided(y.shape, [stridesOf(y.shape), xs]);
  const n = plan.inner;
  const xs1 = plan.innerStrides[1]!; // 1 unless trailing dims of y are size 1
  const xa = x.storage;
  const ya = y.storage;
  forEachRow(plan, (o) => {
    const xo = base + o[1]!;
    const yo = o[0]!;
    if (xs1 === 1) ya.set(xa.subarray(xo, xo + n), yo);
    else for (let i = 0; i < n; i++) ya[yo + i] = xa[xo + i * xs1]!;
  });
};
