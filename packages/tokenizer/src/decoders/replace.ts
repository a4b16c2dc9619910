/**
 * Replace decoder: every match of a literal or Oniguruma-regex pattern becomes `content`, per token.
 * As in HF, it is the Replace normalizer (same settings, same tokenizer.json object) applied to
 * each token string.
 *
 *   Replace("▁", " "): ["▁a"]  ->  [" a"]
 */
import { Replace } from '../normalizers/replace.js';
import type { Decoder } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new ReplaceDecoder('▁', ' ').decodeChain(['▁a', 'b']) // [' a', 'b']
 * ```
 */
export class ReplaceDecoder extends Replace implements Decoder {
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => this.normalizeString(t));
  }
}
