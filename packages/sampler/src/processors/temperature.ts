/**
 * Temperature, as Hugging Face's `TemperatureLogitsWarper`: scores are divided by T before the
 * softmax. T < 1 sharpens the distribution, T > 1 flattens it. T = 0 is greedy decoding: only the
 * argmax (first on ties) survives, every other score becomes `-Infinity`.
 *
 * Worked example: scores [2, 0] → T 0.5 → [4, 0] (p ≈ [.982, .018]); T 2 → [1, 0] (p ≈ [.731, .269]).
 */
import { argmax } from './softmax.js';

/**
 * Applies the temperature in place and returns `scores`.
 *
 * @example
 * ```ts
 * applyTemperature(Float64Array.from([2, 0]), 0.5); // [4, 0]
 * applyTemperature(Float64Array.from([1, 3]), 0);   // [-Infinity, 3] (greedy)
 * ```
 */
export function applyTemperature(scores: Float64Array, temperature: number): Float64Array {
  if (temperature === 1) return scores;
  if (temperature === 0) {
    const best = argmax(scores);
    for (let i = 0; i < scores.length; i++) if (i !== best) scores[i] = Number.NEGATIVE_INFINITY;
    return scores;
  }
  for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / temperature;
  return scores;
}
