/**
 * BPEDecoder: the end-of-word suffix becomes a space, except on the last token.
 *
 *   BPEDecoder("</w>"): ["hel", "lo</w>", "you</w>"]  ->  ["hel", "lo ", "you"]
 */
import type { Decoder } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new BPEDecoder('</w>').decodeChain(['hel', 'lo</w>', 'you</w>']) // ['hel', 'lo ', 'you']
 * ```
 */
export class BPEDecoder implements Decoder {
  readonly type = 'BPEDecoder';
  constructor(readonly suffix = '</w>') {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => t.replaceAll(this.suffix, i === tokens.length - 1 ? '' : ' '));
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, suffix: this.suffix };
  }
}
