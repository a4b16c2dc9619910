/**
 * Per-character rewriting with origins: each code point of the input becomes zero or more units of
 * output, all of which keep the span of that code point. Lowercase, StripAccents, BertNormalizer and
 * Prepend are built on it.
 *
 *   mapChars(piece "AÉ", c => c.toLowerCase())  ->  "aé" with spans [0,1) [1,2)
 *   mapChars(piece "e\u0301", c => /\p{M}/u.test(c) ? '' : c)  ->  "e" with span [0,1)
 */

import { originEnd, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Piece } from '../pipeline/types.js';

/** Rewrites every code point of `piece` with `f` (return the code point itself to keep it). */
export function mapChars(piece: Piece, f: (ch: string) => string): Piece {
  const { text } = piece;
  const b = new PieceBuilder(piece.base);
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    const ch = n === 1 ? text[i]! : text.slice(i, i + 2);
    const r = f(ch);
    if (r === ch) b.appendFrom(piece, i, i + n);
    else if (r.length > 0) b.appendSpan(r, originStart(piece, i), originEnd(piece, i + n - 1));
    i += n;
  }
  return b.build();
}

/** Same as {@link mapChars} on a plain string. */
export function mapCharsString(text: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of text) out += f(ch);
  return out;
}
