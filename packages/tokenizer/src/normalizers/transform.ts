/**
 * HF's alignment rule for a rewrite, so offsets match HF tokenizers exactly. A rewrite is a list of
 * output characters, each with a `change`:
 *
 *    0  replaces the next input character (takes its span)
 *   -n  replaces the next input character and swallows the n after it (takes the first one's span)
 *   +1  is inserted (takes the span of the input character just before the read position)
 *
 * `skip` input characters at the start are dropped first. Worked example, NFKC of "ﬁé" with é written
 * e + U+0301 (input characters ﬁ [0,1), e [1,2), U+0301 [2,3)):
 *
 *   ("f", 0) -> [0,1)   ("i", +1) -> [0,1)   ("é", -1) -> [1,2) and swallows U+0301
 */

import { originEnd, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Piece } from '../pipeline/types.js';

/** One output character of a rewrite and its change (see the file comment). */
export type Change = [ch: string, change: number];

/** Applies `changes` to the characters of `piece` with HF's alignment rule. */
export function applyChanges(piece: Piece, changes: readonly Change[], skip = 0): Piece {
  const { text } = piece;
  // Unit index where each input character starts (plus the end).
  const starts: number[] = [];
  for (let i = 0; i < text.length; ) {
    starts.push(i);
    i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  }
  starts.push(text.length);
  const span = (k: number): [number, number] => {
    const c = Math.min(Math.max(k, 0), starts.length - 2);
    if (c < 0) return [piece.base, piece.base];
    return [originStart(piece, starts[c]!), originEnd(piece, starts[c + 1]! - 1)];
  };
  const b = new PieceBuilder(piece.base);
  let offset = skip;
  for (const [ch, change] of changes) {
    let s: number;
    let e: number;
    if (change > 0) {
      if (offset < 1) s = e = originStart(piece, 0);
      else [s, e] = span(offset - 1);
    } else {
      [s, e] = span(offset);
      offset += 1 - change;
    }
    b.appendSpan(ch, s, e);
  }
  return b.build();
}
