/**
 * slice: y = x[starts:ends] (step 1, copied); backward pads dy into zeros of x's shape
 * (`sliceBackward`). Helpers `narrow` (one axis) and `split` build on it.
 */

import { describeValue, requireNumber } from '../arguments.js';
import { record } from '../autograd/node.js';
import { normalizeAxis } from '../backend/ops.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

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
  const r = requireTensor('slice', 'x', x).rank;
  const list = (name: string, v: unknown): readonly number[] => {
    if (!Array.isArray(v) || v.length > r) {
      throw new ShapeError({
        operation: 'slice',
        expected: `${name} an array of at most ${r} positions (one per axis of x ${formatShape(x.shape)})`,
        found: describeValue(v),
        hint: 'missing trailing axes are taken whole',
      });
    }
    return v;
  };
  const st = list('starts', starts);
  const en = ends === undefined ? [] : list('ends', ends);
  const s: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < r; i++) {
    const d = x.shape[i]!;
    const a0 = st[i] ?? 0;
    const b0 = en[i] ?? d;
    const a = a0 < 0 ? a0 + d : a0;
    const b = b0 < 0 ? b0 + d : b0;
    if (!Number.isInteger(a0) || !Number.isInteger(b0) || a < 0 || b > d || a > b) {
      throw new ShapeError({
        operation: 'slice',
        expected: `on axis ${i} (size ${d}) integer positions with 0 ≤ start ≤ end ≤ ${d} (negative ones count from the end)`,
        found: `start ${describeValue(a0)}, end ${describeValue(b0)} for x ${formatShape(x.shape)}`,
        hint: 'to take k entries from p use narrow(axis, p, k)',
      });
    }
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
  const a = normalizeAxis('narrow', axis, requireTensor('narrow', 'x', x).rank);
  const d = x.shape[a]!;
  const from = requireNumber('narrow', 'start', start, {
    integer: true,
    min: -d,
    max: d,
    hint: `start is a position on axis ${a} (size ${d}); negative positions count from the end`,
  });
  const at = from < 0 ? from + d : from;
  requireNumber('narrow', 'length', length, {
    integer: true,
    min: 0,
    max: d - at,
    hint: `start + length must stay within axis ${a} (size ${d})`,
  });
  const starts = x.shape.map((_, i) => (i === a ? at : 0));
  const ends = x.shape.map((n, i) => (i === a ? at + length : n));
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
  const a = normalizeAxis('split', axis, requireTensor('split', 'x', x).rank);
  const d = x.shape[a]!;
  let parts: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0 || d % sizes !== 0) {
      throw new ShapeError({
        operation: 'split',
        expected: `a number of pieces dividing axis ${a} (size ${d})`,
        found: describeValue(sizes),
        hint: 'or pass the size of each piece: split([2, 4], axis)',
      });
    }
    parts = new Array<number>(sizes).fill(d / sizes);
  } else {
    const ok =
      Array.isArray(sizes) &&
      sizes.every((n) => Number.isInteger(n) && n >= 0) &&
      sizes.reduce((p, q) => p + q, 0) === d;
    if (!ok) {
      throw new ShapeError({
        operation: 'split',
        expected: `sizes: integers ≥ 0 summing to ${d} (the size of axis ${a})`,
        found: describeValue(sizes),
        hint: 'or pass a number of equal pieces: split(3, axis)',
      });
    }
    parts = [...sizes];
  }
  let at = 0;
  return parts.map((n) => {
    const t = narrow(x, a, at, n);
    at += n;
    return t;
  });
}
