/**
 * Split: cuts text on a pattern (a literal or an Oniguruma regex) with one of the five behaviors of
 * `split-behavior.ts`. Llama 3 and GPT-4o files use it with their big regex and `Isolated`:
 *
 *   Split({ Regex: "\\p{N}{1,3}" }, 'Isolated') on "12345ab"  ->  "123" | "45" | "ab"
 */
import { compileHFPattern, type HFPattern, toHFPattern } from '../normalizers/hf-pattern.js';
import type { Piece, PreTokenizer } from '../pipeline/types.js';
import { type SplitBehavior, splitPiecesBy, splitStringBy } from './split-behavior.js';

/**
 * @example
 * ```ts
 * const out: string[] = [];
 * new Split({ String: '-' }, 'MergedWithPrevious').splitString('a-b', out); // out = ['a-', 'b']
 * ```
 */
export class Split implements PreTokenizer {
  readonly type = 'Split';
  readonly pattern: HFPattern;
  private readonly re: RegExp | string;
  constructor(
    pattern: string | HFPattern,
    readonly behavior: SplitBehavior,
    readonly invert = false,
    where = 'Split.pattern',
  ) {
    this.pattern = toHFPattern(pattern);
    this.re = 'String' in this.pattern ? this.pattern.String : compileHFPattern(this.pattern, where);
  }
  splitString(text: string, out: string[]): void {
    splitStringBy(text, this.re, this.behavior, this.invert, out);
  }
  preTokenize(pieces: Piece[]): Piece[] {
    return splitPiecesBy(pieces, this.re, this.behavior, this.invert);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, pattern: this.pattern, behavior: this.behavior, invert: this.invert };
  }
}
