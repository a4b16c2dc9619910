/**
 * Typed errors of @llmforge/tokenizer.
 *
 * Every message names the operation, what was expected, what was found and a hint, e.g.
 * `fromJSON: model.type: expected one of BPE, Unigram, WordPiece, found "WordLevel"; hint: ...`.
 * Every class extends `LlmforgeError` (@llmforge/errors), whose `isInstance` works even when two copies
 * of this package are installed (where `instanceof` would fail).
 */

import { type ErrorDetails, LlmforgeError } from '@llmforge/errors';

export type { ErrorDetails };

/** Base class of every error this package throws on purpose. */
export class TokenizerError extends LlmforgeError {
  static override readonly errorName: string = 'TokenizerError';
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
  static override readonly errorName: string = 'TokenizerFormatError';
}

/** A call got arguments it cannot work with (an id outside the vocabulary, a bad option). */
export class TokenizerInputError extends TokenizerError {
  static override readonly errorName: string = 'TokenizerInputError';
}
