/**
 * reshape: free (the result shares x's storage, refcounted); backward reshapes dy back.
 * A −1 in the new shape is inferred: (2,3,4) → [-1, 4] gives (6,4).
 */

import { describeValue } from '../arguments.js';
import { record } from '../autograd/node.js';
import { sizeOf } from '../backend/ops.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { requireTensor } from './run.js';

/** Resolves a −1 and checks the element count. */
export function resolveShape(op: string, from: readonly number[], to: readonly number[]): number[] {
  if (!Array.isArray(to)) {
    throw new ShapeError({
      operation: op,
      expected: 'the new shape as an array of sizes (one may be -1)',
      found: describeValue(to),
      hint: typeof to === 'number' ? `wrap it: [${to}]` : 'e.g. x.reshape([2, -1])',
    });
  }
  const n = sizeOf(from);
  const free = to.filter((d) => d === -1).length;
  const known = to.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const ok =
    free <= 1 &&
    to.every((d) => d === -1 || (Number.isInteger(d) && d >= 0)) &&
    (free === 0 ? known === n : known > 0 && n % known === 0);
  if (!ok) {
    throw new ShapeError({
      operation: op,
      expected: `a shape with ${n} elements (at most one -1)`,
      found: `${formatShape(from)} → ${formatShape(to)}`,
      hint: 'the product of the new dims must equal the old element count',
    });
  }
  return to.map((d) => (d === -1 ? n / known : d));
}

/**
 * The same data viewed with a new shape (no copy).
 *
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  requireTensor('reshape', 'x', x)._assertLive('reshape');
  const target = resolveShape('reshape', x.shape, shape);
  const y = x._view(target);
  const xShape = x.shape;
  record('reshape', [x], y, [], (dy) => [dy.reshape(xShape)]);
  return y;
}
