/**
 * Strip decoder: removes up to `start` leading and `stop` trailing `content` characters from every
 * token.
 *
 *   Strip(" ", 1, 0): [" a", "  b"]  ->  ["a", " b"]
 */
import type { Decoder } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new StripDecoder(' ', 1, 0).decodeChain([' a', '  b']) // ['a', ' b']
 * ```
 */
export class StripDecoder implements Decoder {
  readonly type = 'Strip';
  constructor(
    readonly content: string,
    readonly start: number,
    readonly stop: number,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => {
      const chars = Array.from(t);
      let s = 0;
      while (s < this.start && chars[s] === this.content) s++;
      let e = chars.length;
      while (chars.length - e < this.stop && e > s && chars[e - 1] === this.content) e--;
      return chars.slice(s, e).join('');
    });
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, content: this.content, start: this.start, stop: this.stop };
  }
}
