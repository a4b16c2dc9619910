import { type ErrorDetails, TensorError } from '../errors.js';

/**
 * A state dict (module weights) or optimizer state does not match what it is loaded into. The error
 * lists every problem at once: `missing` keys the module has and the source lacks, `unexpected` keys
 * the source has and the module lacks, `mismatched` keys whose shapes differ.
 *
 * @example
 * ```ts
 * try { model.loadStateDict(weights); }
 * catch (e) {
 *   if (StateDictError.isInstance(e)) console.error(e.missing, e.unexpected, e.mismatched);
 * }
 * ```
 */
export class StateDictError extends TensorError {
  static override readonly errorName: string = 'StateDictError';
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly mismatched: readonly string[];

  constructor(
    details: ErrorDetails & {
      missing?: readonly string[];
      unexpected?: readonly string[];
      mismatched?: readonly string[];
    },
  ) {
    super(details);
    this.missing = details.missing ?? [];
    this.unexpected = details.unexpected ?? [];
    this.mismatched = details.mismatched ?? [];
  }
}
