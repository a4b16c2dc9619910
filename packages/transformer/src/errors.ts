/**
 * Typed errors of @llmforge/transformer.
 *
 * Every message names the operation, what was expected, what was found and a hint, e.g.
 * `createModel: config.nHead: expected a divisor of nEmbd (64), found 5; hint: ...`.
 * Each class carries a symbol marker so `isInstance` works even when two copies of this package are
 * installed (where `instanceof` would fail).
 */

const MARKER = Symbol.for('@llmforge/transformer.error');

export interface ErrorDetails {
  /** The operation that failed, e.g. `createModel` or `fromPretrained`. */
  operation: string;
  /** What was expected. */
  expected: string;
  /** What was found instead. */
  found: string;
  /** What the caller can do about it. */
  hint?: string;
  /** The file involved, if any. */
  file?: string;
  /** The config field (`nKvHead`) or tensor name involved, if any. */
  where?: string;
  cause?: unknown;
}

function formatMessage(d: ErrorDetails): string {
  const location = [d.file, d.where].filter(Boolean).join(': ');
  const head = location ? `${d.operation}: ${location}: ` : `${d.operation}: `;
  return `${head}expected ${d.expected}, found ${d.found}${d.hint ? `; hint: ${d.hint}` : ''}`;
}

/** Base class of every error this package throws on purpose. */
export class TransformerError extends Error {
  readonly [MARKER] = true;
  readonly operation: string;
  readonly expected: string;
  readonly found: string;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly where: string | undefined;

  constructor(details: ErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TransformerError';
    this.operation = details.operation;
    this.expected = details.expected;
    this.found = details.found;
    this.hint = details.hint;
    this.file = details.file;
    this.where = details.where;
  }

  /** True for any error of this package, from any installed copy of it. */
  static isInstance(error: unknown): error is TransformerError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * A model configuration that cannot work: heads not dividing the width, kv heads not dividing the
 * heads, an unknown activation, a non-positive size. `where` names the field.
 *
 * @example
 * ```ts
 * try { resolveConfig({ ...presets['tiny-gpt'], nHead: 5 }); }
 * catch (e) { if (ConfigError.isInstance(e)) console.error(e.where); } // 'nHead'
 * ```
 */
export class ConfigError extends TransformerError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'ConfigError';
  }
  static override isInstance(error: unknown): error is ConfigError {
    return TransformerError.isInstance(error) && (error as Error).name === 'ConfigError';
  }
}

/**
 * Inputs a model cannot take: token ids outside the vocabulary, sequences longer than the context
 * (or than what is left in a KV cache), ragged batches, labels of the wrong shape.
 *
 * @example
 * ```ts
 * try { model.forward([[99999]]); }
 * catch (e) { if (ModelInputError.isInstance(e)) console.error(e.message); }
 * ```
 */
export class ModelInputError extends TransformerError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'ModelInputError';
  }
  static override isInstance(error: unknown): error is ModelInputError {
    return TransformerError.isInstance(error) && (error as Error).name === 'ModelInputError';
  }
}

/**
 * A pretrained checkpoint (HF `config.json` + `model.safetensors`) that cannot be loaded: an
 * unsupported `model_type`, missing or mis-shaped tensors, unexpected extra tensors.
 *
 * @example
 * ```ts
 * try { await fromPretrained('./not-a-model', { backend }); }
 * catch (e) { if (CheckpointError.isInstance(e)) console.error(e.file, e.where); }
 * ```
 */
export class CheckpointError extends TransformerError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'CheckpointError';
  }
  static override isInstance(error: unknown): error is CheckpointError {
    return TransformerError.isInstance(error) && (error as Error).name === 'CheckpointError';
  }
}
