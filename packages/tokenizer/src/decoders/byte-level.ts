/**
 * ByteLevel decoder: the inverse of the ByteLevel pre-tokenizer. Joins the tokens, maps each GPT-2
 * character back to its byte and decodes the bytes as UTF-8 (invalid sequences become U+FFFD):
 *
 *   ["Hello", "Ġworld"]  ->  bytes "Hello world"  ->  ["Hello world"]
 */

import type { Decoder } from '../pipeline/types.js';
import { CHAR_TO_BYTE } from '../pre-tokenizers/byte-level.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * @example
 * ```ts
 * new ByteLevelDecoder().decodeChain(['Hello', 'Ġworld']) // ['Hello world']
 * ```
 */
export class ByteLevelDecoder implements Decoder {
  readonly type = 'ByteLevel';
  decodeChain(tokens: string[]): string[] {
    const joined = tokens.join('');
    const bytes = new Uint8Array(joined.length * 3);
    let n = 0;
    for (const ch of joined) {
      const b = CHAR_TO_BYTE.get(ch);
      if (b !== undefined) bytes[n++] = b;
      else for (const x of new TextEncoder().encode(ch)) bytes[n++] = x;
    }
    return [decoder.decode(bytes.subarray(0, n))];
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, add_prefix_space: true, trim_offsets: true, use_regex: true };
  }
}
