/**
 * Reductions over axes (sum, mean, max, min, sumSquares) and their backward:
 * - sum: dx = dy broadcast back to x's shape; mean: the same divided by the count;
 * - sumSquares (Σx²): dx = 2x·dy broadcast;
 * - max/min: dx = dy on the elements equal to the result, split evenly between ties (torch.amax).
 *
 * Example: x (2,3), sum over [1] → y (2); backward: dy (2) → reshape (2,1) → expand (2,3).
 */

import { record } from '../autograd/node.js';
import { normalizeAxes, type ReduceKind } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';
import type { ReduceOptions } from './types.js';

/**
 * Reduces `x` over `axes` (a number, a list, or undefined for all axes; negatives count from the end).
 *
 * @example
 * ```ts
 * reduce(tensor([[1, 2], [3, 4]]), 'sum', 0).dataSync(); // [4, 6]
 * ```
 */
export function reduce(
  x: Tensor,
  op: ReduceKind,
  axes?: number | readonly number[],
  options: ReduceOptions = {},
): Tensor {
  const ax = normalizeAxes(op, axes, requireTensor(String(op), 'x', x).rank);
  const keepDims = options.keepDims ?? false;
  const { y } = runOp('reduce', x.backend, { x }, {}, { op, axes: ax, keepDims });
  const xShape = x.shape;
  const keptShape = xShape.map((d, i) => (ax.includes(i) ? 1 : d));
  const count = ax.reduce((n, a) => n * xShape[a]!, 1);
  const saves = op === 'max' || op === 'min' ? [x, y] : op === 'sumSquares' ? [x] : [];
  record(op, [x], y, saves, (dy, saved) => {
    const dyk = dy.reshape(keptShape);
    if (op === 'sumSquares') {
      const [sx] = saved as [Tensor];
      const twice = runOp(
        'binaryScalar',
        dy.backend,
        { a: dyk },
        {},
        { op: 'mul', scalar: 2, reverse: false },
      ).y;
      const dx = runOp('binary', dy.backend, { a: sx, b: twice }, {}, { op: 'mul' }).y;
      twice.dispose();
      dyk.dispose();
      return [dx];
    }
    if (op === 'sum' || op === 'mean') {
      const scaled =
        op === 'mean'
          ? runOp('binaryScalar', dy.backend, { a: dyk }, {}, { op: 'div', scalar: count, reverse: false }).y
          : dyk;
      const dx = runOp('expand', dy.backend, { x: scaled }, {}, { shape: [...xShape] }).y;
      if (scaled !== dyk) scaled.dispose();
      dyk.dispose();
      return [dx];
    }
    const [sx, sy] = saved as [Tensor, Tensor];
    const yk = sy.reshape(keptShape);
    const mask = runOp('binary', dy.backend, { a: sx, b: yk }, {}, { op: 'eq' }).y;
    const ties = runOp('reduce', dy.backend, { x: mask }, {}, { op: 'sum', axes: ax, keepDims: true }).y;
    const share = runOp('binary', dy.backend, { a: dyk, b: ties }, {}, { op: 'div' }).y;
    const dx = runOp('binary', dy.backend, { a: mask, b: share }, {}, { op: 'mul' }).y;
    for (const t of [yk, mask, ties, share, dyk]) t.dispose();
    return [dx];
  });
  return y;
}
