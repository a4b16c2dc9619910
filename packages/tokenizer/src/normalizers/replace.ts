/**
 * Replace: every match of `pattern` (a literal string or an Oniguruma regex) becomes `content`.
 * The replacement units take the span of the LAST character of the match (what HF does); an empty
 * replacement removes the match.
 *
 *   Replace(" ", "▁") on "a b"      ->  "a▁b", ▁ keeps the span [1,2) of the space
 *   Replace(" {2,}", " ") on "a   b" ->  "a b", the space gets [3,4), the last of the three
 */

import { originSpan, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Normalizer, Piece } from '../pipeline/types.js';
import { compileHFPattern, type HFPattern, hfMatches, hfReplaceAll, toHFPattern } from './hf-pattern.js';

/**
 * @example
 * ```ts
 * new Replace({ Regex: ' {2,}' }, ' ').normalizeString('a   b') // 'a b'
 * ```
 */
export class Replace implements Normalizer {
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
  normalizeString(text: string): string {
    return hfReplaceAll(text, this.re, this.content);
  }
  normalize(piece: Piece): Piece {
    const { text } = piece;
    // One unit replaced by one unit (" " -> "▁"): every origin stays where it is.
    if ('String' in this.pattern && this.pattern.String.length === 1 && this.content.length === 1)
      return { text: text.replaceAll(this.pattern.String, this.content), base: piece.base, map: piece.map };
    const b = new PieceBuilder(piece.base);
    let last = 0;
    let any = false;
    const matches = hfMatches(text, this.re);
    for (let k = 0; k < matches.length; k += 2) {
      const s = matches[k]!;
      const e = matches[k + 1]!;
      if (e === s && this.content.length === 0) continue;
      any = true;
      b.appendFrom(piece, last, s);
      // The last matched character; for an empty match, the character before it (HF inserts there).
      const lastLen =
        e >= 2 && /[\udc00-\udfff]/.test(text[e - 1]!) && /[\ud800-\udbff]/.test(text[e - 2]!) ? 2 : 1;
      if (e === 0) b.appendSpan(this.content, originStart(piece, 0), originStart(piece, 0));
      else {
        const [os, oe] = originSpan(piece, e - lastLen, e);
        b.appendSpan(this.content, os, oe);
      }
      last = e;
    }
    if (!any) return piece;
    b.appendFrom(piece, last, text.length);
    return b.build();
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, pattern: this.pattern, content: this.content };
  }
}
