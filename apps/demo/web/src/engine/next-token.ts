/**
 * The next-token distribution and what each sampling filter does to it, for the bar chart. The
 * filters are tensor-gpu's (`src/sampling/`), the one definition the sampler and the sampling
 * kernels use, applied here one at a time in Hugging Face's order so the page can say which filter
 * removed each token:
 *
 *   logits ─► ÷ temperature ─► top-k ─► top-p ─► min-p ─► softmax = the sampling distribution
 *   (T = 0 keeps only the argmax: greedy)
 *
 * Worked example: logits [2, 1, 0, −1], temperature 1, top-k 3, top-p 0.9: top-k removes id 3,
 * top-p then removes id 2 (the mass before it is .910 ≥ .9); the distribution is [.731, .269, 0, 0].
 */
import {
  applyMinP,
  applyTemperature,
  applyTopK,
  applyTopP,
  drawRowUniforms,
  type PhiloxStream,
  pickToken,
  type SamplingFilters,
  softmaxRow,
} from '@llmforge/tensor-gpu';

/** Why a token cannot be sampled: kept, or the filter that removed it. */
export type Fate = 'kept' | 'greedy' | 'top-k' | 'top-p' | 'min-p';

/** What {@link filterStages} returns. */
export interface FilterStages {
  /** The model's own probabilities, softmax(logits). */
  model: Float64Array;
  /** After the temperature, before any token is removed: softmax(logits / T). */
  tempered: Float64Array;
  /** For each id, the filter that removed it, or `kept`. */
  fate: Fate[];
  /** The scores after every filter (removed = −∞): what `pickToken` samples from. */
  filtered: Float64Array;
  /** The sampling distribution: softmax of `filtered`. */
  final: Float64Array;
  /** How many ids survive. */
  kept: number;
}

function markRemoved(scores: Float64Array, fate: Fate[], by: Fate): void {
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] === Number.NEGATIVE_INFINITY && fate[i] === 'kept') fate[i] = by;
  }
}

/**
 * The distribution at each stage of the filters for one row of logits.
 *
 * @example
 * ```ts
 * const s = filterStages(Float32Array.from([2, 1, 0, -1]), { topK: 3, topP: 0.9 });
 * s.fate;  // ['kept', 'kept', 'top-p', 'top-k']
 * s.final; // [0.731, 0.269, 0, 0]
 * ```
 */
export function filterStages(logits: ArrayLike<number>, filters: SamplingFilters): FilterStages {
  const scores = Float64Array.from(logits as ArrayLike<number>);
  const model = softmaxRow(scores);
  const fate: Fate[] = Array.from({ length: scores.length }, () => 'kept');
  applyTemperature(scores, filters.temperature ?? 1);
  markRemoved(scores, fate, 'greedy');
  const tempered = softmaxRow(scores);
  applyTopK(scores, filters.topK ?? 0);
  markRemoved(scores, fate, 'top-k');
  applyTopP(scores, filters.topP ?? 1);
  markRemoved(scores, fate, 'top-p');
  applyMinP(scores, filters.minP ?? 0);
  markRemoved(scores, fate, 'min-p');
  const kept = fate.reduce((n, f) => n + (f === 'kept' ? 1 : 0), 0);
  return { model, tempered, fate, filtered: scores, final: softmaxRow(scores), kept };
}

/**
 * One sampling step as the sampler takes it: a uniform from the Philox stream (advancing it), then
 * the inverse-CDF choice among the kept tokens.
 *
 * @example
 * ```ts
 * const g = new RandomGenerator(7);
 * const id = sampleNext(filterStages(logits, { temperature: 0.8 }), g);
 * ```
 */
export function sampleNext(stages: FilterStages, stream: PhiloxStream): number {
  const [u] = drawRowUniforms(stream, 1);
  return pickToken(stages.filtered, u!);
}

/** The ids in order of decreasing probability under `probs` (ties: smaller id first), at most `n`. */
export function topIds(probs: ArrayLike<number>, n: number): number[] {
  const ids = Array.from({ length: probs.length }, (_, i) => i);
  ids.sort((a, b) => probs[b]! - probs[a]! || a - b);
  return ids.slice(0, n);
}
