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
    super({ ...details, where: `option ${details.option}` });
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
