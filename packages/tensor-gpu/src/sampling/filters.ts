/**
 * THE definition of the sampling filters, in Hugging Face generate's order and semantics:
 *
 *   scores → temperature → top-k → top-p → min-p → (softmax, the choice: `pick.ts`)
 *
 * Every filter works in place on one row of float64 scores and removes a token by setting its score
 * to `-Infinity`; the softmax of what is left is the sampling distribution. The sampler's logits
 * processors are these functions, the CPU kernel of `sampleTokens` runs them row by row, and the
 * WGSL kernel (`webgpu/kernels/sample-tokens.ts`) implements the same rules and is tested against
 * them.
 *
 * | filter      | keeps                                                                   | off at |
 * |-------------|-------------------------------------------------------------------------|--------|
 * | temperature | every score divided by T; T = 0 keeps only the argmax (first on ties)    | T = 1  |
 * | top-k       | scores ≥ the k-th largest score (ties with it all stay, as HF)           | k = 0  |
 * | top-p       | in order (score desc, id asc) the tokens whose mass before them is < p   | p = 1  |
 * | min-p       | tokens with s − s_max ≥ ln minP, i.e. p ≥ minP · p_max                   | 0      |
 *
 * Top-p, the nucleus (Holtzman et al. 2019): walking the tokens from the most likely, a token stays
 * while the probability mass of the tokens before it is below p, so the kept set is the smallest
 * prefix whose mass reaches p, and the most likely token always stays. HF's `TopPLogitsWarper`
 * writes the same rule the other way round (sort ascending, remove a token while the cumulative mass
 * up to and including it is ≤ 1 − p); the two agree except for float rounding at the boundary.
 * Probabilities are those of the scores as they are when the filter runs (after top-k).
 *
 * Worked example, logits [2, 1, 0, −1], temperature 1, top-k 3, top-p 0.9: top-k removes id 3; the
 * softmax of the rest is [.665, .245, .090]; the mass before id 0 is 0, before id 1 .665, before id 2
 * .910 ≥ .9 → kept {0, 1}.
 */
import { argmaxRow, maxRow } from './row.js';

/** The settings of the filters; each is off by default. */
export interface SamplingFilters {
  /** Divide scores by this (default 1); 0 = greedy. */
  temperature?: number;
  /** Keep the k best scores, ties with the k-th included (default 0 = off). */
  topK?: number;
  /** Keep the smallest set of most likely tokens with at least this mass (default 1 = off). */
  topP?: number;
  /** Drop tokens below minP × the top probability (default 0 = off). */
  minP?: number;
}

/** Up to this many candidates the filters order by partial selection; beyond it they sort. */
const PARTIAL = 256;

/**
 * Fills `order` with the `count` best live ids of `scores`, best first (score desc, id asc: a later
 * id only passes an earlier one with a strictly larger score). One comparison per id when the row
 * has many more ids than `count`; `count` ≤ PARTIAL.
 */
function selectBest(scores: Float64Array, count: number, order: Int32Array): void {
  let filled = 0;
  for (let j = 0; j < scores.length; j++) {
    const v = scores[j]!;
    if (v === Number.NEGATIVE_INFINITY) continue;
    if (filled === count && !(v > scores[order[count - 1]!]!)) continue;
    let at = filled < count ? filled : count - 1;
    while (at > 0 && v > scores[order[at - 1]!]!) {
      order[at] = order[at - 1]!;
      at--;
    }
    order[at] = j;
    if (filled < count) filled++;
  }
}

/** Every live id of `scores`, best first (score desc, id asc). */
function sortAll(scores: Float64Array, live: number): Int32Array<ArrayBuffer> {
  const order = new Int32Array(live);
  let n = 0;
  for (let j = 0; j < scores.length; j++) if (scores[j]! > Number.NEGATIVE_INFINITY) order[n++] = j;
  return order.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** The k-th largest value of `values` (1-based; reorders `values`): Hoare's quickselect, O(n) on average. */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const want = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  return values[want]!;
}

function countLive(scores: Float64Array): number {
  let n = 0;
  for (let j = 0; j < scores.length; j++) if (scores[j]! > Number.NEGATIVE_INFINITY) n++;
  return n;
}

/**
 * Temperature (HF `TemperatureLogitsWarper`), in place: scores divided by T; T = 0 keeps only the
 * argmax (first on ties). T < 1 sharpens the distribution, T > 1 flattens it.
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
    const best = argmaxRow(scores);
    for (let i = 0; i < scores.length; i++) if (i !== best) scores[i] = Number.NEGATIVE_INFINITY;
    return scores;
  }
  for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / temperature;
  return scores;
}

/**
 * Top-k (HF `TopKLogitsWarper`), in place: removes every score below the k-th largest, so tokens
 * tied with the k-th all stay. k = 0 or k ≥ the row length turns it off.
 *
 * @example
 * ```ts
 * applyTopK(Float64Array.from([1, 5, 3, 3]), 2); // [-Infinity, 5, 3, 3]
 * ```
 */
export function applyTopK(scores: Float64Array, k: number): Float64Array {
  if (k <= 0 || k >= scores.length) return scores;
  let kth: number;
  if (countLive(scores) <= k) return scores; // the k-th largest is -Infinity or the last live one
  if (k <= PARTIAL) {
    const order = new Int32Array(k);
    selectBest(scores, k, order);
    kth = scores[order[k - 1]!]!;
  } else {
    kth = kthLargest(Float64Array.from(scores), k);
  }
  for (let i = 0; i < scores.length; i++) if (scores[i]! < kth) scores[i] = Number.NEGATIVE_INFINITY;
  return scores;
}

/**
 * Top-p, the nucleus (HF `TopPLogitsWarper`; see the file comment), in place. p ≥ 1 turns it off.
 *
 * @example
 * ```ts
 * applyTopP(Float64Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]), 0.75);
 * // [log .5, log .3, -Infinity, -Infinity]: the mass before id 2 is .8 ≥ .75
 * ```
 */
export function applyTopP(scores: Float64Array, p: number): Float64Array {
  if (p >= 1) return scores;
  const max = maxRow(scores);
  if (max === Number.NEGATIVE_INFINITY) return scores;
  let total = 0;
  for (let j = 0; j < scores.length; j++) {
    if (scores[j]! > Number.NEGATIVE_INFINITY) total += Math.exp(scores[j]! - max);
  }
  const limit = p * total; // unnormalised: "mass before < p" is "Σ exp(s − max) before < p · total"
  const live = countLive(scores);
  // Walk the `n` best ids; returns how many stay, or -1 when the nucleus is not closed among them.
  const walk = (order: Int32Array, n: number): number => {
    let before = 0;
    for (let r = 0; r < n; r++) {
      if (r > 0 && before >= limit) return r;
      before += Math.exp(scores[order[r]!]! - max);
    }
    return n === live ? n : -1;
  };
  let order = new Int32Array(Math.min(PARTIAL, live));
  selectBest(scores, order.length, order);
  let kept = walk(order, order.length);
  if (kept < 0) {
    order = sortAll(scores, live);
    kept = walk(order, live);
  }
  // Remove every live token but the `kept` best.
  const keep = new Uint8Array(scores.length);
  for (let r = 0; r < kept; r++) keep[order[r]!] = 1;
  for (let j = 0; j < scores.length; j++) if (!keep[j]) scores[j] = Number.NEGATIVE_INFINITY;
  return scores;
}

/**
 * Min-p (Nguyen et al. 2024; HF `MinPLogitsWarper`), in place: removes every token whose probability
 * is below minP × the top token's, i.e. s − s_max < ln minP. The threshold follows the model's
 * confidence: strict when one token dominates, lenient when many are plausible. The top token (and
 * its ties) always stays; minP = 0 turns it off.
 *
 * @example
 * ```ts
 * applyMinP(Float64Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.08), Math.log(0.02)]), 0.2);
 * // [log .6, log .3, -Infinity, -Infinity]: .08 < 0.2 · .6
 * ```
 */
export function applyMinP(scores: Float64Array, minP: number): Float64Array {
  if (minP <= 0) return scores;
  const cut = maxRow(scores) + Math.log(minP);
  for (let i = 0; i < scores.length; i++) if (scores[i]! < cut) scores[i] = Number.NEGATIVE_INFINITY;
  return scores;
}

/**
 * Temperature, top-k, top-p and min-p in HF's order, in place on one row of scores.
 *
 * @example
 * ```ts
 * applyFilters(Float64Array.from([2, 1, 0, -1]), { topK: 3, topP: 0.9 }); // [2, 1, -Infinity, -Infinity]
 * ```
 */
export function applyFilters(scores: Float64Array, filters: SamplingFilters): Float64Array {
  applyTemperature(scores, filters.temperature ?? 1);
  applyTopK(scores, filters.topK ?? 0);
  applyTopP(scores, filters.topP ?? 1);
  applyMinP(scores, filters.minP ?? 0);
  return scores;
}
