/**
 * permute (and transpose): y.shape[i] = x.shape[perm[i]], copied; backward permutes dy by the
 * inverse permutation (inv[perm[i]] = i). Example: perm [2,0,1] has inverse [1,2,0].
 */

import { record } from '../autograd/node.js';
import { normalizeAxis } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { runOp } from './run.js';

/**
 * Reorders axes (negative axes allowed).
 *
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
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
  const r = x.rank;
  const i = normalizeAxis('transpose', a, r);
  const j = normalizeAxis('transpose', b, r);
  const perm = Array.from({ length: r }, (_, k) => (k === i ? j : k === j ? i : k));
  return permute(x, perm);
}
