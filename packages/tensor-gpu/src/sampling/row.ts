/**
 * One row of next-token scores on the host, in float64: softmax, log-softmax and argmax. A score of
 * `-Infinity` is a removed token: probability 0, never the argmax unless every score is removed.
 *
 * Worked example: scores [2, 1, -Infinity] → subtract the max 2 → exp [1, e⁻¹, 0] → divide by
 * 1.3679 → [0.7311, 0.2689, 0].
 */

/**
 * The id `sampleTokens` returns for a row it cannot sample (on every backend): a row holding a NaN or
 * +Infinity score, or no score above `-Infinity`. Never a valid token id.
 */
export const NON_FINITE_ROW = -1;

/**
 * Why a row of scores cannot be sampled, or `null` when it can: NaN or +Infinity scores (a model
 * with NaN weights, an overflow), or every score `-Infinity` (nothing left to choose). One pass.
 *
 * @example
 * ```ts
 * nonFiniteScores([0, NaN, NaN]);          // 'NaN at 2 of 3 ids (first: id 1)'
 * nonFiniteScores([-Infinity, -Infinity]); // 'no score above -Infinity (2 ids)'
 * nonFiniteScores([0, -Infinity]);         // null
 * ```
 */
export function nonFiniteScores(scores: ArrayLike<number>): string | null {
  let nan = 0;
  let inf = 0;
  let first = -1;
  let alive = false;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (v > Number.NEGATIVE_INFINITY && v < Number.POSITIVE_INFINITY) alive = true;
    else if (v !== Number.NEGATIVE_INFINITY) {
      if (Number.isNaN(v)) nan++;
      else inf++;
      if (first < 0) first = i;
    }
  }
  if (first >= 0) {
    const kinds = [nan > 0 ? `NaN at ${nan}` : '', inf > 0 ? `+Infinity at ${inf}` : '']
      .filter((k) => k !== '')
      .join(' and ');
    return `${kinds} of ${scores.length} ids (first: id ${first})`;
  }
  return alive ? null : `no score above -Infinity (${scores.length} ids)`;
}

/**
 * Probabilities of a row of scores (float64; all zeros when every score is `-Infinity`).
 *
 * @example
 * ```ts
 * softmaxRow([2, 1, -Infinity]); // Float64Array [0.7311, 0.2689, 0]
 * ```
 */
export function softmaxRow(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  const max = maxRow(scores);
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
 * Log-probabilities of a row of scores (float64): `x − max − log Σ exp(x − max)`.
 *
 * @example
 * ```ts
 * logSoftmaxRow([0, 0]); // Float64Array [-0.6931, -0.6931]
 * ```
 */
export function logSoftmaxRow(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  const max = maxRow(scores);
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.exp(scores[i]! - max);
  const lse = max + Math.log(total);
  for (let i = 0; i < n; i++) out[i] = scores[i]! - lse;
  return out;
}

/**
 * Index of the largest score, the first one on ties (what greedy decoding picks).
 *
 * @example
 * ```ts
 * argmaxRow([1, 3, 3]); // 1
 * ```
 */
export function argmaxRow(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

/** The largest score (`-Infinity` for an empty or fully removed row). */
export function maxRow(scores: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > max) max = scores[i]!;
  return max;
}
