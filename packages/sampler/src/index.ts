/**
 * @llmforge/sampler — decoding for @llmforge/transformer models: ids in, ids out.
 *
 * Files in data-flow order: `options.ts` (options, validation, prompts) → `model-step.ts` (one
 * forward pass, last-position logits) → `processors/*` (repetition / frequency / presence
 * penalties, temperature, top-k, top-p, min-p, in HF's order) → `choose.ts` (one Philox uniform per
 * row picks a token) → `stop.ts` → `generate.ts` (the loop, `generate`, `stream`) →
 * `beam-search.ts`.
 *
 * @example
 * ```ts
 * import { generate } from '@llmforge/sampler';
 * import { fromPretrained } from '@llmforge/transformer';
 * const model = await fromPretrained('fixtures/gpt2-tiny');
 * const { sequences } = await generate(model, [10, 20, 30], { temperature: 0.8, topP: 0.95, seed: 1 });
 * ```
 */

export type { Hypothesis } from './beam-search.js';
export { drawStep, pickToken, type RandomStream } from './choose.js';
export { SamplerConfigError, SamplerError, type SamplerErrorDetails } from './errors.js';
export {
  type ChosenLogprob,
  type FinishReason,
  type GenerateResult,
  generate,
  stream,
  type TokenEvent,
  type TokenLogprob,
} from './generate.js';
export { type GenerateOptions, preparePrompts, type ResolvedOptions, resolveOptions } from './options.js';
export { applyFrequencyPresencePenalty } from './processors/frequency-presence-penalty.js';
export { applyMinP } from './processors/min-p.js';
export {
  type ProcessorConfig,
  processLogits,
  processScores,
  type ResolvedProcessorConfig,
  resolveProcessorConfig,
} from './processors/process-logits.js';
export { applyRepetitionPenalty } from './processors/repetition-penalty.js';
export { argmax, logSoftmax, softmax } from './processors/softmax.js';
export { applyTemperature } from './processors/temperature.js';
export { applyTopK } from './processors/top-k.js';
export { applyTopP } from './processors/top-p.js';
export { endsWithStop, normalizeStop, type StopList } from './stop.js';
