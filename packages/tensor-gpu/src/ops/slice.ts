/**
 * slice: y = x[starts:ends] (step 1, copied); backward pads dy into zeros of x's shape
 * (`sliceBackward`). Helpers `narrow` (one axis) and `split` build on it.
 */

import { record } from '../autograd/node.js';
import { normalizeAxis } from '../backend/ops.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { runOp } from './run.js';

/**
 * x[starts[i]:ends[i]] on every axis. Missing trailing entries take whole axes; negative values
 * count from the end; `ends` may be omitted (to the end).
 *
 * @example
 * ```ts
 * slice(arange(10).reshape([2, 5]), [0, 1], [2, 3]).dataSync(); // [1, 2, 6, 7]
 * ```
 */
export function slice(x: Tensor, starts: readonly number[], ends?: readonly number[]): Tensor {
  const r = x.rank;
  const s: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < r; i++) {
    const d = x.shape[i]!;
    let a = starts[i] ?? 0;
    let b = ends?.[i] ?? d;
    if (a < 0) a += d;
    if (b < 0) b += d;
    s.push(a);
    e.push(b);
  }
  if (s.every((a) => a === 0) && e.every((b, i) => b === x.shape[i])) return x.reshape(x.shape);
  const { y } = runOp('slice', x.backend, { x }, {}, { starts: s, ends: e });
  const inputShape = [...x.shape];
  record('slice', [x], y, [], (dy) => [
    runOp('sliceBackward', dy.backend, { dy }, {}, { starts: s, inputShape }).dx,
  ]);
  return y;
}

/**
 * `length` entries of `axis` starting at `start`.
 *
 * @example
 * ```ts
 * narrow(zeros([4, 6]), 1, 2, 3).shape; // [4, 3]
 * ```
 */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis('narrow', axis, x.rank);
  const starts = x.shape.map((_, i) => (i === a ? start : 0));
  const ends = x.shape.map((d, i) => (i === a ? start + length : d));
  return slice(x, starts, ends);
}

/**
 * Splits `axis` into pieces of the given sizes (or `n` equal pieces when a number).
 *
 * @example
 * ```ts
 * const [q, k, v] = split(qkv, 3, -1); // (B,T,3C) → three (B,T,C)
 * ```
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = -1): Tensor[] {
  const a = normalizeAxis('split', axis, x.rank);
  const d = x.shape[a]!;
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0 || d % sizes !== 0) {
      throw new ShapeError({
        operation: 'split',
        expected: `a number of pieces dividing axis ${a} (size ${d})`,
        found: String(sizes),
      });
    }
    parts = new Array<number>(sizes).fill(d / sizes);
  } else {
    parts = [...sizes];
    if (parts.reduce((p, q) => p + q, 0) !== d) {
      throw new ShapeError({
        operation: 'split',
        expected: `sizes summing to ${d} (axis ${a})`,
        found: `[${parts.join(',')}]`,
      });
    }
  }
  let at = 0;
  return parts.map((n) => {
    const t = narrow(x, a, at, n);
    at += n;
    return t;
  });
}
