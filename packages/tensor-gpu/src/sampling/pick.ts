/**
 * The choice: one token id from a row of filtered scores and one uniform number u ∈ [0, 1).
 *
 * Inverse-CDF sampling in vocabulary order: walk the kept tokens (score > `-Infinity`) by id, adding
 * up their probabilities, and stop at the first whose running sum exceeds u × (total kept mass). The
 * CPU and WGSL kernels of `sampleTokens` and the sampler's host path all choose this way, and u comes
 * from the same Philox stream (element b of the draw at the stream's offset for batch row b), so a
 * CPU run and a device run of the same filters pick the same ids up to float rounding.
 *
 * Worked example: probabilities [.5, 0, .3, .2] (id 1 removed), u = .6 → running .5, .8 > .6 → id 2.
 */
import { type PhiloxStream, philoxUniform, uniformCounters } from '../random/philox.js';
import { argmaxRow, maxRow } from './row.js';

/**
 * The id that `u` picks from filtered scores (`-Infinity` = removed).
 *
 * @example
 * ```ts
 * pickToken(Float64Array.from([Math.log(0.5), -Infinity, Math.log(0.3), Math.log(0.2)]), 0.6); // 2
 * ```
 */
export function pickToken(scores: ArrayLike<number>, u: number): number {
  const max = maxRow(scores);
  if (max === Number.NEGATIVE_INFINITY) return argmaxRow(scores);
  const e = weights(scores.length);
  let mass = 0;
  for (let j = 0; j < scores.length; j++) {
    const w = scores[j]! > Number.NEGATIVE_INFINITY ? Math.exp(scores[j]! - max) : 0;
    e[j] = w;
    mass += w;
  }
  const target = u * mass;
  let run = 0;
  let pick = -1;
  for (let j = 0; j < scores.length; j++) {
    if (e[j] === 0) continue;
    run += e[j]!;
    pick = j;
    if (run > target) break;
  }
  return pick;
}

/** Scratch for the unnormalised probabilities of one row (reused: a decoding loop calls per token). */
let scratch = new Float64Array(0);
function weights(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/**
 * The uniform of each of `rows` batch rows for one sampling step (element b for row b), advancing
 * the stream by as many counters as `sampleTokens` does (⌈rows/4⌉).
 *
 * @example
 * ```ts
 * const g = new RandomGenerator(1);
 * drawRowUniforms(g, 3); // three numbers in [0, 1); g.offset === 1
 * ```
 */
export function drawRowUniforms(stream: PhiloxStream, rows: number): number[] {
  const u = Array.from({ length: rows }, (_, b) => philoxUniform(stream.seed, stream.offset, b));
  stream.offset += uniformCounters(rows);
  return u;
}
