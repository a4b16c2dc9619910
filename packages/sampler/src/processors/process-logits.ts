/**
 * The logits-processor pipeline: one row of next-token scores in, the filtered scores out, removed
 * tokens at `-Infinity`. The order is Hugging Face generate's:
 *
 *   raw logits
 *     → repetition penalty            (HF RepetitionPenaltyLogitsProcessor; prompt included)
 *     → frequency / presence penalty  (OpenAI's definition; generated tokens only, see `generatedFrom`)
 *     → temperature                   (HF TemperatureLogitsWarper; 0 = greedy)  ┐ tensor-gpu's
 *     → top-k                         (HF TopKLogitsWarper)                     │ sampling filters,
 *     → top-p                         (HF TopPLogitsWarper)                     │ the ones its
 *     → min-p                         (HF MinPLogitsWarper)                     ┘ sampleTokens runs
 *     → softmax → the choice          (tensor-gpu's pickToken)
 *
 * Worked example (the first case of the HF fixture): previous tokens [0, 4, 2], repetition penalty
 * 1.3 divides the positive scores of ids 0, 4, 2 (and multiplies the negative one of id 2) by 1.3,
 * temperature 0.5 doubles every score, top-k 10 keeps the ten best of 17, and the softmax of what
 * is left gives id 0 probability 0.4847.
 */
import { applyMinP, applyTemperature, applyTopK, applyTopP, nonFiniteScores } from '@llmforge/tensor-gpu';
import { SamplerConfigError } from '../errors.js';
import { applyFrequencyPresencePenalty } from './frequency-presence-penalty.js';
import { applyRepetitionPenalty } from './repetition-penalty.js';

/** Settings of {@link processLogits}; every processor is off by default. */
export interface ProcessorConfig {
  /** Divide scores by this (default 1); 0 = greedy (only the argmax survives). Must be ≥ 0. */
  temperature?: number;
  /** Keep the k best tokens (default 0 = off). Integer ≥ 0. */
  topK?: number;
  /** Keep the smallest set of best tokens with at least this mass (default 1 = off). In (0, 1]. */
  topP?: number;
  /** Drop tokens below minP × the top probability (default 0 = off). In [0, 1]. */
  minP?: number;
  /** HF repetition penalty (default 1 = off). > 0. */
  repetitionPenalty?: number;
  /** OpenAI frequency penalty (default 0): subtract count × this. */
  frequencyPenalty?: number;
  /** OpenAI presence penalty (default 0): subtract this once per token already generated. */
  presencePenalty?: number;
  /**
   * Index in `previousTokens` where generated tokens start (default 0): frequency/presence
   * penalties count only `previousTokens[generatedFrom..]`, the repetition penalty counts all.
   */
  generatedFrom?: number;
}

/** A ProcessorConfig with every default filled in. */
export type ResolvedProcessorConfig = Required<ProcessorConfig>;

function bad(operation: string, option: string, expected: string, found: unknown, hint: string): never {
  const numeric = typeof found === 'string' && found.trim() !== '' && Number.isFinite(Number(found));
  throw new SamplerConfigError({
    operation,
    option,
    expected,
    found: typeof found === 'string' ? JSON.stringify(found) : String(found),
    hint: numeric ? `pass the number ${found.trim()}, not the string "${found}"` : hint,
  });
}

/**
 * Checks a processor config and fills in the defaults; throws {@link SamplerConfigError} naming the
 * option at fault.
 *
 * @example
 * ```ts
 * resolveProcessorConfig('generate', { topP: 0.9 }).temperature; // 1
 * ```
 */
export function resolveProcessorConfig(operation: string, c: ProcessorConfig): ResolvedProcessorConfig {
  const r: ResolvedProcessorConfig = {
    temperature: c.temperature ?? 1,
    topK: c.topK ?? 0,
    topP: c.topP ?? 1,
    minP: c.minP ?? 0,
    repetitionPenalty: c.repetitionPenalty ?? 1,
    frequencyPenalty: c.frequencyPenalty ?? 0,
    presencePenalty: c.presencePenalty ?? 0,
    generatedFrom: c.generatedFrom ?? 0,
  };
  if (!(Number.isFinite(r.temperature) && r.temperature >= 0)) {
    bad(operation, 'temperature', 'a finite number ≥ 0', r.temperature, '0 means greedy decoding');
  }
  if (!(Number.isInteger(r.topK) && r.topK >= 0)) {
    bad(operation, 'topK', 'an integer ≥ 0', r.topK, '0 turns top-k off');
  }
  if (typeof r.topP !== 'number' || !(r.topP > 0 && r.topP <= 1)) {
    bad(operation, 'topP', 'a number in (0, 1]', r.topP, '1 turns top-p off');
  }
  if (typeof r.minP !== 'number' || !(r.minP >= 0 && r.minP <= 1))
    bad(operation, 'minP', 'a number in [0, 1]', r.minP, '0 turns min-p off');
  if (!(Number.isFinite(r.repetitionPenalty) && r.repetitionPenalty > 0)) {
    bad(operation, 'repetitionPenalty', 'a finite number > 0', r.repetitionPenalty, '1 turns it off');
  }
  if (!Number.isFinite(r.frequencyPenalty)) {
    bad(operation, 'frequencyPenalty', 'a finite number', r.frequencyPenalty, 'OpenAI uses [-2, 2]');
  }
  if (!Number.isFinite(r.presencePenalty)) {
    bad(operation, 'presencePenalty', 'a finite number', r.presencePenalty, 'OpenAI uses [-2, 2]');
  }
  if (!(Number.isInteger(r.generatedFrom) && r.generatedFrom >= 0)) {
    bad(
      operation,
      'generatedFrom',
      'an integer ≥ 0',
      r.generatedFrom,
      'the index in previousTokens where generated tokens start',
    );
  }
  return r;
}

/**
 * The processor pipeline in float64, in place on `scores` (which it returns). Use this when the
 * float64 precision of the result matters; {@link processLogits} is the float32 convenience.
 *
 * @example
 * ```ts
 * processScores(Float64Array.from([2, 1, 0]), [], resolveProcessorConfig('x', { topK: 2 }));
 * // Float64Array [2, 1, -Infinity]
 * ```
 */
export function processScores(
  scores: Float64Array,
  previousTokens: ArrayLike<number>,
  c: ResolvedProcessorConfig,
): Float64Array {
  applyRepetitionPenalty(scores, previousTokens, c.repetitionPenalty);
  applyFrequencyPresencePenalty(
    scores,
    previousTokens,
    c.frequencyPenalty,
    c.presencePenalty,
    c.generatedFrom,
  );
  applyTemperature(scores, c.temperature);
  applyTopK(scores, c.topK);
  applyTopP(scores, c.topP);
  applyMinP(scores, c.minP);
  return scores;
}

/**
 * Applies the processors to one row of logits in HF's order and returns the processed scores
 * (removed tokens `-Infinity`; the softmax of the result is the sampling distribution). The input
 * is not modified; the work happens in float64.
 *
 * @example
 * ```ts
 * const scores = processLogits([4, -3, 1, 0.5], [0], { repetitionPenalty: 1.3, temperature: 0.7, topK: 2 });
 * // Float32Array [4.396, -Infinity, 1.4286, -Infinity]
 * ```
 */
export function processLogits(
  logits: ArrayLike<number>,
  previousTokens: ArrayLike<number>,
  config: ProcessorConfig = {},
): Float32Array {
  const c = resolveProcessorConfig('processLogits', config);
  const scores = Float64Array.from(logits);
  const what = nonFiniteScores(scores);
  if (what !== null && !(scores.length > 0 && what.startsWith('no score'))) {
    throw new SamplerConfigError({
      operation: 'processLogits',
      option: 'logits',
      expected: 'finite logits (-Infinity for removed tokens)',
      found: what,
      hint: 'NaN or +Infinity logits cannot be sampled: check the model that made them',
    });
  }
  return Float32Array.from(processScores(scores, previousTokens, c));
}
