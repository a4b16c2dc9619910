/**
 * Repetition penalty (Keskar et al. 2019, CTRL), as Hugging Face's `RepetitionPenaltyLogitsProcessor`:
 * every token that already occurs in the sequence (prompt included) has its score divided by the
 * penalty when positive and multiplied by it when negative, so a penalty > 1 always makes it less
 * likely. Each token is penalized once however often it occurred.
 *
 * Worked example, penalty 2, previous [0, 0, 2]: scores [4, 1, -3] → [2, 1, -6].
 */

/**
 * Applies the repetition penalty in place and returns `scores`. `penalty` 1 leaves them unchanged.
 *
 * @example
 * ```ts
 * applyRepetitionPenalty(Float64Array.from([4, 1, -3]), [0, 0, 2], 2); // [2, 1, -6]
 * ```
 */
export function applyRepetitionPenalty(
  scores: Float64Array,
  previousTokens: ArrayLike<number>,
  penalty: number,
): Float64Array {
  if (penalty === 1) return scores;
  const seen = new Set<number>();
  for (let i = 0; i < previousTokens.length; i++) {
    const id = previousTokens[i]!;
    if (id < 0 || id >= scores.length || seen.has(id)) continue;
    seen.add(id);
    const s = scores[id]!;
    scores[id] = s < 0 ? s * penalty : s / penalty;
  }
  return scores;
}
