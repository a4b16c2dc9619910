/**
 * Typed errors of @llmforge/sampler.
 *
 * Every message names the operation, the option at fault, what was expected, what was found and a
 * hint, e.g. `generate: option topP expected a number in (0, 1], found 1.5; hint: 1 turns top-p off`.
 * Each class carries a symbol marker so `isInstance` works even when two copies of this package are
 * installed (where `instanceof` would fail).
 */

const MARKER = Symbol.for('@llmforge/sampler.error');

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

function formatMessage(d: SamplerErrorDetails): string {
  const hint = d.hint ? `; hint: ${d.hint}` : '';
  return `${d.operation}: option ${d.option} expected ${d.expected}, found ${d.found}${hint}`;
}

/**
 * Base class of every error this package throws on purpose.
 *
 * @example
 * ```ts
 * try { await generate(model, [1], { topP: 2 }); }
 * catch (e) { if (SamplerError.isInstance(e)) console.error(e.option); } // 'topP'
 * ```
 */
export class SamplerError extends Error {
  readonly [MARKER] = true;
  readonly operation: string;
  readonly option: string;
  readonly expected: string;
  readonly found: string;
  readonly hint: string | undefined;

  constructor(details: SamplerErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SamplerError';
    this.operation = details.operation;
    this.option = details.option;
    this.expected = details.expected;
    this.found = details.found;
    this.hint = details.hint;
  }

  /** True for any error of this package, from any installed copy of it. */
  static isInstance(error: unknown): error is SamplerError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
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
  constructor(details: SamplerErrorDetails) {
    super(details);
    this.name = 'SamplerConfigError';
  }

  /** True for a SamplerConfigError from any installed copy of this package. */
  static override isInstance(error: unknown): error is SamplerConfigError {
    return SamplerError.isInstance(error) && (error as Error).name === 'SamplerConfigError';
  }
}
