/**
 * CPU kernel of `reduce` (sum, mean, max, min, sumSquares over axes).
 *
 * The input is walked row by row with two operands: x (contiguous) and the output with stride 0 on
 * reduced dims. When the innermost row is reduced (`sum(axis=-1)`) it folds into one scalar; when it
 * is kept (`sum(axis=0)` of (N,C)) it accumulates into a row of the output. Sums accumulate in a
 * float64 scratch, so f32 sums of long rows keep their precision; sumSquares squares each term in
 * float64 as it adds it.
 *
 * Example: x (2,3) = [[1,2,3],[4,5,6]], axes [0] → out strides [0,1] → y = [5,7,9].
 */
import { sizeOf, stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from './kernel.js';
import { forEachRow, planStrided } from './strided.js';

export const reduceKernel: CpuKernel<'reduce'> = ({ inputs: { x }, outputs: { y }, attrs: { op, axes } }) => {
  const xs = x.shape;
  const outSize = y.storage.length;
  // strides of the output over x's dims: 0 on reduced axes, contiguous over the kept ones
  const keptShape = xs.filter((_, i) => !axes.includes(i));
  const keptStrides = stridesOf(keptShape);
  const outStrides: number[] = [];
  let k = 0;
  for (let i = 0; i < xs.length; i++) outStrides.push(axes.includes(i) ? 0 : keptStrides[k++]!);
  const plan = planStrided(xs, [stridesOf(xs), outStrides]);
  const os = plan.innerStrides[1]!;
  const n = plan.inner;
  const xa = x.storage;
  const isMax = op === 'max';
  const isMin = op === 'min';
  const isSq = op === 'sumSquares';
  const acc = new Float64Array(outSize).fill(isMax ? -Infinity : isMin ? Infinity : 0);
  forEachRow(plan, (o) => {
    const xo = o[0]!;
    const ao = o[1]!;
    if (os === 0) {
      let s = acc[ao]!;
      if (isMax) for (let i = 0; i < n; i++) s = Math.max(xa[xo + i]!, s);
      else if (isMin) for (let i = 0; i < n; i++) s = Math.min(xa[xo + i]!, s);
      else if (isSq) {
        for (let i = 0; i < n; i++) {
          const v = xa[xo + i]!;
          s += v * v;
        }
      } else for (let i = 0; i < n; i++) s += xa[xo + i]!;
      acc[ao] = s;
    } else if (isMax) {
      for (let i = 0; i < n; i++) if (xa[xo + i]! > acc[ao + i * os]!) acc[ao + i * os] = xa[xo + i]!;
    } else if (isMin) {
      for (let i = 0; i < n; i++) if (xa[xo + i]! < acc[ao + i * os]!) acc[ao + i * os] = xa[xo + i]!;
    } else if (isSq) {
      for (let i = 0; i < n; i++) acc[ao + i * os] = acc[ao + i * os]! + xa[xo + i]! * xa[xo + i]!;
    } else {
      for (let i = 0; i < n; i++) acc[ao + i * os] = acc[ao + i * os]! + xa[xo + i]!;
    }
  });
  const ya = y.storage;
  if (op === 'mean') {
    const count = sizeOf(xs) / Math.max(outSize, 1);
    for (let i = 0; i < outSize; i++) ya[i] = acc[i]! / count;
  } else {
    ya.set(acc);
  }
};
