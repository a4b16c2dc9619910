/**
 * Frequency and presence penalties as OpenAI defines them:
 *
 *   score[j] ← score[j] − c[j] · frequencyPenalty − (c[j] > 0 ? 1 : 0) · presencePenalty
 *
 * where c[j] counts how often token j was sampled so far. They subtract from the raw scores, so
 * in {@link processLogits} they run right after the repetition penalty and before temperature. Only
 * generated tokens count (OpenAI's definition): `generate` passes the prompt length as `from`.
 *
 * Worked example, frequency 0.5, presence 1, generated [3, 3, 1]: c = {3: 2, 1: 1};
 * score[3] −= 2·0.5 + 1 = 2, score[1] −= 1·0.5 + 1 = 1.5, others unchanged.
 */

/**
 * Applies the frequency and presence penalties in place (counting `tokens[from..]`) and returns
 * `scores`. Both 0 leave them unchanged; negative values encourage repetition.
 *
 * @example
 * ```ts
 * applyFrequencyPresencePenalty(new Float64Array(5), [3, 3, 1], 0.5, 1); // [0, -1.5, 0, -2, 0]
 * ```
 */
export function applyFrequencyPresencePenalty(
  scores: Float64Array,
  tokens: ArrayLike<number>,
  frequencyPenalty: number,
  presencePenalty: number,
  from = 0,
): Float64Array {
  if (frequencyPenalty === 0 && presencePenalty === 0) return scores;
  const counts = new Map<number, number>();
  for (let i = Math.max(0, from); i < tokens.length; i++) {
    const id = tokens[i]!;
    if (id < 0 || id >= scores.length) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  for (const [id, c] of counts) scores[id] = scores[id]! - c * frequencyPenalty - presencePenalty;
  return scores;
}
