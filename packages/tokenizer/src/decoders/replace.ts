/**
 * Replace decoder: every match of a literal or Oniguruma-regex pattern becomes `content`, per token.
 *
 *   Replace("▁", " "): ["▁a"]  ->  [" a"]
 */
import { compileHFPattern, type HFPattern, hfReplaceAll, toHFPattern } from '../normalizers/hf-pattern.js';
import type { Decoder } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new ReplaceDecoder('▁', ' ').decodeChain(['▁a', 'b']) // [' a', 'b']
 * ```
 */
export class ReplaceDecoder implements Decoder {
  readonly type = 'Replace';
  readonly pattern: HFPattern;
  private readonly re: RegExp;
  constructor(
    pattern: string | HFPattern,
    readonly content: string,
    where = 'Replace.pattern',
  ) {
    this.pattern = toHFPattern(pattern);
    this.re = compileHFPattern(this.pattern, where);
  }
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => hfReplaceAll(t, this.re, this.content));
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, pattern: this.pattern, content: this.content };
  }
}
