/**
 * Top-p (nucleus) filtering (Holtzman et al. 2019), as Hugging Face's `TopPLogitsWarper`: sort the
 * probabilities ascending, accumulate them, and remove every token whose cumulative mass is
 * ≤ 1 − p; the most likely token always stays. What survives is the smallest set of most likely
 * tokens whose mass reaches p. p = 1 turns it off.
 *
 * Worked example, p 0.75: probs [.5, .3, .15, .05] → ascending .05, .15, .3, .5 → cumulative
 * .05, .20, .50, 1.0 → remove those ≤ .25 (ids 3 and 2) → kept {0, 1} (mass .8 ≥ .75).
 */
import { softmax } from './softmax.js';

/**
 * Applies top-p in place and returns `scores` (probabilities come from the scores as they are,
 * after any earlier filter).
 *
 * @example
 * ```ts
 * applyTopP(Float64Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]), 0.75);
 * // [log .5, log .3, -Infinity, -Infinity]
 * ```
 */
export function applyTopP(scores: Float64Array, p: number): Float64Array {
  if (p >= 1) return scores;
  const probs = softmax(scores);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  // ascending by score; on ties the higher index first, so lower ids end up nearer the top
  order.sort((a, b) => scores[a]! - scores[b]! || b - a);
  let cumulative = 0;
  const limit = 1 - p;
  for (let r = 0; r < n - 1; r++) {
    const id = order[r]!;
    cumulative += probs[id]!;
    if (cumulative <= limit) scores[id] = Number.NEGATIVE_INFINITY;
    else break;
  }
  return scores;
}
