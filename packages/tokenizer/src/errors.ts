/**
 * Typed errors of @llmforge/tokenizer.
 *
 * Every message names the operation, what was expected, what was found and a hint, e.g.
 * `fromJSON: model.type: expected one of BPE, Unigram, WordPiece, found "WordLevel"; hint: ...`.
 * Each class carries a symbol marker so `isInstance` works even when two copies of this package are
 * installed (where `instanceof` would fail).
 */

const MARKER = Symbol.for('@llmforge/tokenizer.error');

export interface ErrorDetails {
  /** The operation that failed, e.g. `fromJSON` or `decode`. */
  operation: string;
  /** What was expected. */
  expected: string;
  /** What was found instead. */
  found: string;
  /** What the caller can do about it. */
  hint?: string;
  /** The file involved, if any. */
  file?: string;
  /** The field path (`model.vocab`) or line (`line 12`) involved, if any. */
  where?: string;
  cause?: unknown;
}

function formatMessage(d: ErrorDetails): string {
  const location = [d.file, d.where].filter(Boolean).join(': ');
  const head = location ? `${d.operation}: ${location}: ` : `${d.operation}: `;
  return `${head}expected ${d.expected}, found ${d.found}${d.hint ? `; hint: ${d.hint}` : ''}`;
}

/** Base class of every error this package throws on purpose. */
export class TokenizerError extends Error {
  readonly [MARKER] = true;
  readonly operation: string;
  readonly expected: string;
  readonly found: string;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly where: string | undefined;

  constructor(details: ErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TokenizerError';
    this.operation = details.operation;
    this.expected = details.expected;
    this.found = details.found;
    this.hint = details.hint;
    this.file = details.file;
    this.where = details.where;
  }

  /** True for any error of this package, from any installed copy of it. */
  static isInstance(error: unknown): error is TokenizerError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * A file or object in a tokenizer format (tokenizer.json, .tiktoken, .model, encoder.json, vocab.bpe)
 * is malformed or uses something this package does not support. Names the file, the field or line,
 * and what was expected.
 *
 * @example
 * ```ts
 * try { Tokenizer.fromJSON({ model: { type: 'Nope' } }); }
 * catch (e) { if (TokenizerFormatError.isInstance(e)) console.error(e.where, e.message); }
 * ```
 */
export class TokenizerFormatError extends TokenizerError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'TokenizerFormatError';
  }
  static override isInstance(error: unknown): error is TokenizerFormatError {
    return TokenizerError.isInstance(error) && (error as Error).name === 'TokenizerFormatError';
  }
}

/** A call got arguments it cannot work with (an id outside the vocabulary, a bad option). */
export class TokenizerInputError extends TokenizerError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'TokenizerInputError';
  }
  static override isInstance(error: unknown): error is TokenizerInputError {
    return TokenizerError.isInstance(error) && (error as Error).name === 'TokenizerInputError';
  }
}
