/**
 * Typed errors of @llmforge/sampler.
 *
 * Every message names the operation, the option at fault, what was expected, what was found and a
 * hint, e.g. `generate: option topP expected a number in (0, 1], found 1.5; hint: 1 turns top-p off`.
 * Every class extends `LlmforgeError` (@llmforge/errors), whose `isInstance` works even when two copies
 * of this package are installed (where `instanceof` would fail).
 */

import { LlmforgeError } from '@llmforge/errors';

/** The parts of every error message. */
export interface SamplerErrorDetails {
  /** The operation that failed, e.g. `generate` or `processLogits`. */
  operation: string;
  /** The option (or argument) at fault, e.g. `topP` or `promptIds`. */
  option: string;
  /** Where, when the fault is not an option (then `option` names the input, e.g. `logits`). */
  where?: string;
  /** What was expected. */
  expected: string;
  /** What was found instead. */
  found: string;
  /** What the caller can do about it. */
  hint?: string;
  cause?: unknown;
}

/**
 * Base class of every error this package throws on purpose; `where` is `option <name>`.
 *
 * @example
 * ```ts
 * try { await generate(model, [1], { topP: 2 }); }
 * catch (e) { if (SamplerError.isInstance(e)) console.error(e.option); } // 'topP'
 * ```
 */
export class SamplerError extends LlmforgeError {
  static override readonly errorName: string = 'SamplerError';
  /** The option (or argument) at fault. */
  readonly option: string;

  constructor(details: SamplerErrorDetails) {
    super({ ...details, where: details.where ?? `option ${details.option}` });
    this.option = details.option;
  }
}

/**
 * A decoding option or input is invalid: `topP` outside (0, 1], a negative `temperature`, `topK` < 0,
 * an empty prompt, a prompt longer than the model's context (see the `truncate: 'left'` option), …
 *
 * @example
 * ```ts
 * try { processLogits([1, 2], [], { temperature: -1 }); }
 * catch (e) { SamplerConfigError.isInstance(e); } // true, e.option === 'temperature'
 * ```
 */
export class SamplerConfigError extends SamplerError {
  static override readonly errorName: string = 'SamplerConfigError';
}

/**
 * The model produced logits that cannot be sampled at a decoding step: NaN or +Infinity (NaN
 * weights, an overflow in f16, a diverged training run), or every logit -Infinity. Raised on the
 * host path (the logits are read anyway) and on the device path (tensor-gpu's `sampleTokens` returns
 * NON_FINITE_ROW for such a row, so nothing extra is read back). `step` is the decoding step (0 =
 * the first generated token), `sequence` the output sequence (index into `sequences`).
 *
 * @example
 * ```ts
 * try { await generate(model, [1, 2]); }
 * catch (e) { if (NonFiniteLogitsError.isInstance(e)) console.error(e.step, e.sequence); }
 * // generate: sequence 0: expected finite logits, found non-finite logits at step 0 (NaN at 98 of 98 ids ...)
 * ```
 */
export class NonFiniteLogitsError extends SamplerError {
  static override readonly errorName: string = 'NonFiniteLogitsError';
  /** The decoding step (0 = the first generated token). */
  readonly step: number;
  /** The sequence whose logits were not finite. */
  readonly sequence: number;

  constructor(operation: string, step: number, sequence: number, what: string) {
    super({
      operation,
      option: 'logits',
      where: `sequence ${sequence}`,
      expected: 'finite logits',
      found: `non-finite logits at step ${step} (${what})`,
      hint: 'the model computes NaN/Infinity: check its weights (a diverged training run, a corrupt checkpoint) and run it in f32',
    });
    this.step = step;
    this.sequence = sequence;
  }
}
