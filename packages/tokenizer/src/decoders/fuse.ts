/**
 * Fuse decoder: all tokens into one string.
 *
 *   ["a", "b"]  ->  ["ab"]
 */
import type { Decoder } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new FuseDecoder().decodeChain(['a', 'b']) // ['ab']
 * ```
 */
export class FuseDecoder implements Decoder {
  readonly type = 'Fuse';
  decodeChain(tokens: string[]): string[] {
    return [tokens.join('')];
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
