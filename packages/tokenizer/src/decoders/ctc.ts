/**
 * CTC decoder (speech models): drop repeats of the same token, drop the pad token, the word
 * delimiter becomes a space, then BERT's cleanup.
 *
 *   ["<pad>", "h", "h", "e", "|", "y"]  ->  ["h", "e", " ", "y"]
 */
import type { Decoder } from '../pipeline/types.js';
import { wordPieceCleanup } from './wordpiece.js';

/**
 * CTC (speech models): drop repeats of the same token, drop the pad token, the word delimiter
 * becomes a space.
 *
 * @example
 * ```ts
 * new CTCDecoder().decodeChain(['<pad>', 'h', 'h', 'e', '|', 'y']) // ['h', 'e', ' ', 'y']
 * ```
 */
export class CTCDecoder implements Decoder {
  readonly type = 'CTC';
  constructor(
    readonly padToken = '<pad>',
    readonly wordDelimiterToken = '|',
    readonly cleanup = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      if (i > 0 && tokens[i] === tokens[i - 1]) continue;
      let s = tokens[i]!.replaceAll(this.padToken, '');
      if (this.cleanup) s = wordPieceCleanup(s).replaceAll(this.wordDelimiterToken, ' ');
      if (s.length > 0) out.push(s);
    }
    return out;
  }
  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      pad_token: this.padToken,
      word_delimiter_token: this.wordDelimiterToken,
      cleanup: this.cleanup,
    };
  }
}
