/**
 * Top-k filtering, as Hugging Face's `TopKLogitsWarper`: keep the k highest scores, set the rest to
 * `-Infinity`. Tokens tied with the k-th score are all kept (the test is `score < kth`). k = 0 (or
 * k ≥ vocabulary) turns it off.
 *
 * Worked example, k 2: scores [1, 5, 3, 3] → k-th largest 3 → [-Infinity, 5, 3, 3].
 */

/**
 * Applies top-k in place and returns `scores`.
 *
 * @example
 * ```ts
 * applyTopK(Float64Array.from([1, 5, 3, 0]), 2); // [-Infinity, 5, 3, -Infinity]
 * ```
 */
export function applyTopK(scores: Float64Array, k: number): Float64Array {
  if (k <= 0 || k >= scores.length) return scores;
  const sorted = Float64Array.from(scores).sort(); // ascending; -Infinity first
  const kth = sorted[scores.length - k]!;
  for (let i = 0; i < scores.length; i++) if (scores[i]! < kth) scores[i] = Number.NEGATIVE_INFINITY;
  return scores;
}
