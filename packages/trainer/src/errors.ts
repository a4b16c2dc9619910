/**
 * Typed errors of @llmforge/trainer. Every message names the operation, where (file, config field,
 * step), what was expected, what was found and a hint, e.g.
 * `train: config: batchSize: expected at most 9,342 windows of 65 tokens (the validation data), found 20000; hint: ...`.
 * Every class extends `LlmforgeError` (@llmforge/errors), whose `isInstance` works across installs.
 */

import { type ErrorDetails, LlmforgeError } from '@llmforge/errors';

export type { ErrorDetails };

/**
 * Base class of every error this package throws on purpose.
 *
 * @example
 * ```ts
 * try { await train(config); } catch (e) { if (TrainerError.isInstance(e)) console.error(e.message); }
 * ```
 */
export class TrainerError extends LlmforgeError {
  static override readonly errorName: string = 'TrainerError';
}

/**
 * A configuration that cannot work, found before any work starts; `where` is the field path
 * (`optimizer.lr`, `data.dir`, `eval.batches`).
 *
 * @example
 * ```ts
 * if (TrainerConfigError.isInstance(e)) console.error(`fix ${e.where}: ${e.expected}`);
 * ```
 */
export class TrainerConfigError extends TrainerError {
  static override readonly errorName: string = 'TrainerConfigError';
}

/**
 * Corpus preparation could not read an input (a missing file, a JSONL line without the text field,
 * a glob matching nothing).
 *
 * @example
 * ```ts
 * if (CorpusError.isInstance(e)) console.error(e.file, e.where);
 * ```
 */
export class CorpusError extends TrainerError {
  static override readonly errorName: string = 'CorpusError';
}

/**
 * A token shard is not an llm.c `.bin` file this package can read (magic, version, token count
 * against the file size), or a dataset's sidecar JSON is malformed.
 *
 * @example
 * ```ts
 * if (ShardFormatError.isInstance(e)) console.error(e.file, e.expected, e.found);
 * ```
 */
export class ShardFormatError extends TrainerError {
  static override readonly errorName: string = 'ShardFormatError';
}

/**
 * A training checkpoint is missing, incomplete, of another format version, or does not match the
 * run it is resumed into.
 *
 * @example
 * ```ts
 * if (TrainerCheckpointError.isInstance(e)) console.error(e.file, e.message);
 * ```
 */
export class TrainerCheckpointError extends TrainerError {
  static override readonly errorName: string = 'TrainerCheckpointError';
}

/**
 * The loss or a gradient became NaN or infinite. `step` is the optimizer step, `parameter` the first
 * parameter whose gradient is not finite (undefined when only the loss is). The last good
 * checkpoint on disk is kept.
 *
 * @example
 * ```ts
 * if (NonFiniteError.isInstance(e)) console.error(`step ${e.step}: ${e.parameter ?? 'loss'}`);
 * ```
 */
export class NonFiniteError extends TrainerError {
  static override readonly errorName: string = 'NonFiniteError';
  readonly step: number;
  readonly parameter: string | undefined;

  constructor(details: ErrorDetails & { step: number; parameter?: string }) {
    super(details);
    this.step = details.step;
    this.parameter = details.parameter;
  }
}
