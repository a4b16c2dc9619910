/**
 * The choice: one id from processed scores and one uniform number u ∈ [0, 1).
 *
 * It walks the kept tokens in id order, adding up their probabilities, and stops at the first one
 * whose running sum exceeds u × (total kept mass): inverse-CDF sampling, the same walk as
 * tensor-gpu's `sampleTokens` kernel, and u comes from the same Philox stream (element b of the
 * draw at the generator's offset for batch row b), so a CPU run and a device run of the same
 * filters pick the same ids up to float rounding.
 *
 * Worked example: probabilities [.5, 0, .3, .2] (id 1 removed), u = .6 → running .5, .8 > .6 → id 2.
 */
import { philoxUniform, uniformCounters } from '@llmforge/tensor-gpu';
import { argmax, softmax } from './processors/softmax.js';

/** What the choice needs from a generator: tensor-gpu's `RandomGenerator` satisfies it. */
export interface RandomStream {
  readonly seed: number;
  offset: number;
}

/**
 * The id that u picks from processed scores (`-Infinity` = removed).
 *
 * @example
 * ```ts
 * pickToken(Float64Array.from([Math.log(0.5), -Infinity, Math.log(0.3), Math.log(0.2)]), 0.6); // 2
 * ```
 */
export function pickToken(scores: Float64Array, u: number): number {
  const p = softmax(scores);
  let mass = 0;
  for (let j = 0; j < p.length; j++) mass += p[j]!;
  const target = u * mass;
  let run = 0;
  let pick = argmax(scores);
  for (let j = 0; j < p.length; j++) {
    if (p[j] === 0) continue;
    run += p[j]!;
    pick = j;
    if (run > target) break;
  }
  return pick;
}

/**
 * The uniforms of one decoding step for `rows` batch rows (element b for row b), advancing the
 * stream by as many counters as `sampleTokens` would.
 *
 * @example
 * ```ts
 * const g = new RandomGenerator(1);
 * drawStep(g, 3); // three numbers in [0, 1); g.offset === 1
 * ```
 */
export function drawStep(stream: RandomStream, rows: number): number[] {
  const u = Array.from({ length: rows }, (_, b) => philoxUniform(stream.seed, stream.offset, b));
  stream.offset += uniformCounters(rows);
  return u;
}
