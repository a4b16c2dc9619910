/**
 * expand: broadcast x to a larger shape (copies); backward sums over the stretched axes.
 * Example: (3,1) → (2,3,4).
 */
import { describeValue } from '../arguments.js';
import { record } from '../autograd/node.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';
import { sumTo } from './sum-to.js';

/**
 * x broadcast to `shape` (−1 keeps a dim).
 *
 * @example
 * ```ts
 * expand(tensor([[1], [2]]), [2, 3]).dataSync(); // [1, 1, 1, 2, 2, 2]
 * ```
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('expand', 'x', x);
  if (!Array.isArray(shape)) {
    throw new ShapeError({
      operation: 'expand',
      expected: 'the target shape as an array of sizes (-1 keeps a dim)',
      found: describeValue(shape),
      hint: 'e.g. x.expand([4, -1])',
    });
  }
  const lead = shape.length - x.rank;
  const target = shape.map((d, i) => (d === -1 ? (x.shape[i - lead] ?? 1) : d));
  const { y } = runOp('expand', x.backend, { x }, {}, { shape: target });
  const xShape = x.shape;
  record('expand', [x], y, [], (dy) => [sumTo(dy, xShape)]);
  return y;
}
