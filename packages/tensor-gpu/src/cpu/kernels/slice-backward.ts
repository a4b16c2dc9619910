/**
 * CPU kernel of `sliceBackward`: dx = zeros(inputShape) with dy written at `starts` (pad into zeros).
 */
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { forEachRow, planStrided } from './strided.js';

export const sliceBackwardKernel: CpuKernel<'sliceBackward'> = ({
  inputs: { dy },
  outputs: { dx },
  attrs: { starts, inputShape },
}) => {
  const xs = stridesOf(inputShape);
  let base = 0;
  for (let i = 0; i < starts.length; i++) base += starts[i]! * xs[i]!;
  const dxa = dx.storage;
  const dya = dy.storage;
  dxa.fill(0);
  const plan = planStrided(dy.shape, [stridesOf(dy.shape), xs]);
  const n = plan.inner;
  const xs1 = plan.innerStrides[1]!;
  forEachRow(plan, (o) => {
    const yo = o[0]!;
    const xo = base + o[1]!;
    if (xs1 === 1) dxa.set(dya.subarray(yo, yo + n), xo);
    else for (let i = 0; i < n; i++) dxa[xo + i * xs1] = dya[yo + i]!;
  });
};
