/**
 * Min-p filtering (Nguyen et al. 2024), as Hugging Face's `MinPLogitsWarper`: remove every token
 * whose probability is below `minP` × the top token's probability. The threshold scales with the
 * model's confidence: strict when one token dominates, lenient when many are plausible. The top
 * token always stays. minP = 0 turns it off.
 *
 * Worked example, minP 0.2: probs [.6, .3, .08, .02] → threshold .12 → kept {0, 1}.
 */
import { argmax, softmax } from './softmax.js';

/**
 * Applies min-p in place and returns `scores`.
 *
 * @example
 * ```ts
 * applyMinP(Float64Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.08), Math.log(0.02)]), 0.2);
 * // [log .6, log .3, -Infinity, -Infinity]
 * ```
 */
export function applyMinP(scores: Float64Array, minP: number): Float64Array {
  if (minP <= 0) return scores;
  const probs = softmax(scores);
  const best = argmax(scores);
  const cut = minP * probs[best]!;
  for (let i = 0; i < scores.length; i++) {
    if (i !== best && probs[i]! < cut) scores[i] = Number.NEGATIVE_INFINITY;
  }
  return scores;
}
