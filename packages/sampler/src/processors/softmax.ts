/**
 * Softmax and log-softmax of one row of scores, in float64, with `-Infinity` entries (removed
 * tokens) getting probability 0.
 *
 * Worked example: scores [2, 1, -Infinity] → subtract the max 2 → exp [1, e⁻¹, 0] → divide by
 * 1.3679 → [0.7311, 0.2689, 0].
 */

/**
 * Probabilities of a row of scores (float64).
 *
 * @example
 * ```ts
 * softmax([2, 1, -Infinity]); // Float64Array [0.7311, 0.2689, 0]
 * ```
 */
export function softmax(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === Number.NEGATIVE_INFINITY) return out;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(scores[i]! - max);
    out[i] = e;
    total += e;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / total;
  return out;
}

/**
 * Log-probabilities of a row of scores (float64): `x - max - log Σ exp(x - max)`.
 *
 * @example
 * ```ts
 * logSoftmax([0, 0]); // Float64Array [-0.6931, -0.6931]
 * ```
 */
export function logSoftmax(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (scores[i]! > max) max = scores[i]!;
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.exp(scores[i]! - max);
  const lse = max + Math.log(total);
  for (let i = 0; i < n; i++) out[i] = scores[i]! - lse;
  return out;
}

/**
 * Index of the largest score, the first one on ties (what HF's greedy `argmax` picks).
 *
 * @example
 * ```ts
 * argmax([1, 3, 3]); // 1
 * ```
 */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
