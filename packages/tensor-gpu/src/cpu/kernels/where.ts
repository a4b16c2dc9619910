/**
 * CPU kernel of `where`: y = cond ≠ 0 ? a : b with all three broadcast together.
 * Example: cond [1,0,1], a [1,2,3], b 0 (shape ()) → [1,0,3].
 */
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { broadcastStrides, forEachRow, planStrided } from './strided.js';

export const whereKernel: CpuKernel<'where'> = ({ inputs: { cond, a, b }, outputs: { y } }) => {
  const plan = planStrided(y.shape, [
    stridesOf(y.shape),
    broadcastStrides(cond.shape, y.shape),
    broadcastStrides(a.shape, y.shape),
    broadcastStrides(b.shape, y.shape),
  ]);
  const [, cs, as, bs] = plan.innerStrides as [number, number, number, number];
  const n = plan.inner;
  const ya = y.storage;
  const ca = cond.storage;
  const aa = a.storage;
  const ba = b.storage;
  forEachRow(plan, (o) => {
    const yo = o[0]!;
    const co = o[1]!;
    const ao = o[2]!;
    const bo = o[3]!;
    for (let i = 0; i < n; i++) ya[yo + i] = ca[co + i * cs] !== 0 ? aa[ao + i * as]! : ba[bo + i * bs]!;
  });
};
