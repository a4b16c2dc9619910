/**
 * concat joins tensors along an axis; backward slices dy back into pieces. `stack` adds a new axis
 * first (reshape, free) then concatenates: stack of three (2,3) on axis 0 → (3,2,3).
 */

import { record } from '../autograd/node.js';
import { normalizeAxis } from '../backend/ops.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/**
 * Joins `xs` along `axis`.
 *
 * @example
 * ```ts
 * concat([zeros([2, 3]), ones([2, 5])], 1).shape; // [2, 8]
 * ```
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (!first) throw new ShapeError({ operation: 'concat', expected: 'at least one tensor', found: 'none' });
  const backend = commonBackend('concat', xs);
  const a = normalizeAxis('concat', axis, first.rank);
  if (xs.length === 1) return first.reshape(first.shape);
  const { y } = runOp('concat', backend, { xs }, {}, { axis: a });
  const sizes = xs.map((t) => t.shape[a]!);
  const needs = xs.map((t) => t.requiresGrad);
  record('concat', xs, y, [], (dy) => {
    let at = 0;
    return sizes.map((n, i) => {
      const start = at;
      at += n;
      if (!needs[i]) return null;
      const starts = dy.shape.map((_, k) => (k === a ? start : 0));
      const ends = dy.shape.map((d, k) => (k === a ? start + n : d));
      return runOp('slice', dy.backend, { x: dy }, {}, { starts, ends }).y;
    });
  });
  return y;
}

/**
 * Stacks same-shaped tensors along a new axis.
 *
 * @example
 * ```ts
 * stack([zeros([2]), ones([2])]).shape; // [2, 2]
 * ```
 */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0];
  if (!first) throw new ShapeError({ operation: 'stack', expected: 'at least one tensor', found: 'none' });
  const a = normalizeAxis('stack', axis, first.rank + 1);
  const lifted = xs.map((t) => t.reshape([...t.shape.slice(0, a), 1, ...t.shape.slice(a)]));
  const y = concat(lifted, a);
  for (const t of lifted) if (t !== y) t.dispose();
  return y;
}
