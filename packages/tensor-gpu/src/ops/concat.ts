/**
 * concat joins tensors along an axis; backward slices dy back into pieces. `stack` adds a new axis
 * first (reshape, free) then concatenates: stack of three (2,3) on axis 0 → (3,2,3).
 */

import { describeValue } from '../arguments.js';
import { record } from '../autograd/node.js';
import { normalizeAxis, shapesEqual } from '../backend/ops.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, requireTensor, runOp } from './run.js';

function requireList(op: string, xs: unknown): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) {
    throw new ShapeError({
      operation: op,
      expected: 'a non-empty array of tensors',
      found: describeValue(xs),
      hint: `${op}([a, b], axis)`,
    });
  }
  return requireTensor(op, 'xs[0]', xs[0]);
}

/**
 * Joins `xs` along `axis`.
 *
 * @example
 * ```ts
 * concat([zeros([2, 3]), ones([2, 5])], 1).shape; // [2, 8]
 * ```
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const first = requireList('concat', xs);
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
  const first = requireList('stack', xs);
  commonBackend('stack', xs);
  const a = normalizeAxis('stack', axis, first.rank + 1);
  if (xs.some((t) => !shapesEqual(t.shape, first.shape))) {
    throw new ShapeError({
      operation: 'stack',
      expected: `tensors of one shape (the first is ${formatShape(first.shape)})`,
      found: xs.map((t) => formatShape(t.shape)).join(', '),
      hint: 'stack adds a new axis; to join along an existing one use concat',
    });
  }
  const lifted = xs.map((t) => t.reshape([...t.shape.slice(0, a), 1, ...t.shape.slice(a)]));
  const y = concat(lifted, a);
  for (const t of lifted) if (t !== y) t.dispose();
  return y;
}
