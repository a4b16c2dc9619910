/**
 * permute (and transpose): y.shape[i] = x.shape[perm[i]], copied; backward permutes dy by the
 * inverse permutation (inv[perm[i]] = i). Example: perm [2,0,1] has inverse [1,2,0].
 */

import { describeValue } from '../arguments.js';
import { record } from '../autograd/node.js';
import { normalizeAxis } from '../backend/ops.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

/**
 * Reorders axes (negative axes allowed).
 *
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  requireTensor('permute', 'x', x);
  if (!Array.isArray(perm) || perm.length !== x.rank) {
    throw new ShapeError({
      operation: 'permute',
      expected: `a permutation of the ${x.rank} axes of x ${formatShape(x.shape)}`,
      found: describeValue(perm),
      hint: `list every axis exactly once, e.g. [${[...Array(x.rank).keys()].reverse().join(', ')}]`,
    });
  }
  const p = perm.map((a) => normalizeAxis('permute', a, x.rank));
  if (p.every((a, i) => a === i)) return x.reshape(x.shape); // identity: a free view
  const { y } = runOp('permute', x.backend, { x }, {}, { perm: p });
  const inv = new Array<number>(p.length);
  p.forEach((a, i) => {
    inv[a] = i;
  });
  record('permute', [x], y, [], (dy) => [runOp('permute', dy.backend, { x: dy }, {}, { perm: inv }).y]);
  return y;
}

/**
 * Swaps two axes (default the last two: a matrix transpose).
 *
 * @example
 * ```ts
 * transpose(zeros([2, 3])).shape; // [3, 2]
 * ```
 */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const r = requireTensor('transpose', 'x', x).rank;
  if (r < 2) {
    throw new ShapeError({
      operation: 'transpose',
      expected: 'a tensor of rank ≥ 2',
      found: formatShape(x.shape),
      hint: 'a vector has nothing to swap: reshape it to (n, 1) or (1, n) first',
    });
  }
  const i = normalizeAxis('transpose', a, r);
  const j = normalizeAxis('transpose', b, r);
  const perm = Array.from({ length: r }, (_, k) => (k === i ? j : k === j ? i : k));
  return permute(x, perm);
}
