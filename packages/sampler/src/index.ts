/**
 * @llmforge/sampler — decoding for @llmforge/transformer models: ids in, ids out.
 *
 * Files in data-flow order: `options.ts` (options, validation, prompts) → `model-step.ts` (one
 * forward pass, last-position logits) → `processors/*` (repetition / frequency / presence
 * penalties, then tensor-gpu's temperature, top-k, top-p and min-p filters, in HF's order; the
 * choice is tensor-gpu's `pickToken` with one Philox uniform per row) → `stop.ts` → `generate.ts`
 * (the loop, `generate`, `stream`) → `beam-search.ts`.
 *
 * @example
 * ```ts
 * import { generate } from '@llmforge/sampler';
 * import { fromPretrained } from '@llmforge/transformer/node';
 * const model = await fromPretrained('fixtures/gpt2-tiny');
 * const { sequences } = await generate(model, [10, 20, 30], { temperature: 0.8, topP: 0.95, seed: 1 });
 * ```
 */

// The sampling filters and the choice are defined once, in tensor-gpu (its sampleTokens kernel runs
// the same ones); they are part of this package's pipeline, so they are exported here too.
export {
  applyMinP,
  applyTemperature,
  applyTopK,
  applyTopP,
  argmaxRow as argmax,
  drawRowUniforms as drawStep,
  logSoftmaxRow as logSoftmax,
  pickToken,
  softmaxRow as softmax,
} from '@llmforge/tensor-gpu';
export type { Hypothesis } from './beam-search.js';
export {
  NonFiniteLogitsError,
  SamplerConfigError,
  SamplerError,
  type SamplerErrorDetails,
} from './errors.js';
export {
  type ChosenLogprob,
  type FinishReason,
  type GenerateResult,
  generate,
  stream,
  type TokenEvent,
  type TokenLogprob,
} from './generate.js';
export {
  type GenerateOptions,
  MAX_NUM_BEAMS,
  preparePrompts,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
export { applyFrequencyPresencePenalty } from './processors/frequency-presence-penalty.js';
export {
  type ProcessorConfig,
  processLogits,
  processScores,
  type ResolvedProcessorConfig,
  resolveProcessorConfig,
} from './processors/process-logits.js';
export { applyRepetitionPenalty } from './processors/repetition-penalty.js';
export { endsWithStop, normalizeStop, type StopList } from './stop.js';
