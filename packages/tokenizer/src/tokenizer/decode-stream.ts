/**
 * Streaming decode, HF's `DecodeStream` algorithm: text is handed out only once it is complete.
 *
 * Byte-level tokens can split a character (an emoji is 4 bytes, often 2-3 tokens) and decoders
 * like Metaspace change the first token of a text, so decoding one id at a time would be wrong.
 * Instead keep a short window of ids: decode the window, decode it again with the new id, and hand
 * out the new suffix when it does not end in U+FFFD (an unfinished character):
 *
 *     push(ðŁ)  window "ðŁ"        -> "\uFFFD"   incomplete, returns ''
 *     push(ĺĢ)  window "ðŁĺĢ"      -> "😀"       returns '😀', window restarts after it
 *
 * Cost per id is the length of the window, which stays a few tokens long.
 */
import { TokenizerInputError } from '../errors.js';
import { checkId } from './arguments.js';

/** Decodes a list of ids; `replace` asks for U+FFFD instead of errors on invalid ids. */
export type DecodeFn = (ids: number[], replace: boolean) => string;

/**
 * Returned by `Tokenizer.decodeStream()`.
 *
 * @example
 * ```ts
 * const stream = tok.decodeStream();
 * const parts = ids.map((id) => stream.push(id)); // '' until a character is complete
 * const rest = stream.flush();
 * ```
 */
export class DecodeStream {
  private ids: number[] = [];
  private prefix = '';
  private prefixIndex = 0;

  constructor(private readonly decodeFn: DecodeFn) {}

  /** Adds one id; returns the text it completes ('' when nothing is complete yet). */
  push(id: number): string {
    checkId('decodeStream.push', id);
    this.ids.push(id);
    const text = this.decodeFn(this.ids, false);
    if (text.length > this.prefix.length && !text.endsWith('\uFFFD')) {
      if (!text.startsWith(this.prefix)) {
        throw new TokenizerInputError({
          operation: 'decodeStream.push',
          expected: `the decoded window to extend ${JSON.stringify(this.prefix)}`,
          found: JSON.stringify(text),
          hint: 'the decoder rewrites earlier text when later tokens arrive; decode the whole sequence instead',
        });
      }
      const fresh = text.slice(this.prefix.length);
      const newPrefixIndex = this.ids.length - this.prefixIndex;
      this.ids = this.ids.slice(this.prefixIndex);
      this.prefix = this.decodeFn(this.ids, false);
      this.prefixIndex = newPrefixIndex;
      return fresh;
    }
    return '';
  }

  /** The text still held back (an unfinished character comes out as U+FFFD). Resets the stream. */
  flush(): string {
    const text = this.decodeFn(this.ids, true);
    const rest = text.startsWith(this.prefix) ? text.slice(this.prefix.length) : '';
    this.ids = [];
    this.prefix = '';
    this.prefixIndex = 0;
    return rest;
  }
}
