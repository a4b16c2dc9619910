/**
 * Prepend: puts `prepend` in front of non-empty text (SentencePiece-style "▁" before the first word).
 * The added units take the span of the first unit of the text.
 */

import { originEnd, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Normalizer, Piece } from '../pipeline/types.js';

/**
 * @example
 * ```ts
 * new Prepend('▁').normalizeString('hi') // '▁hi'
 * ```
 */
export class Prepend implements Normalizer {
  readonly type = 'Prepend';
  constructor(readonly prepend: string) {}
  normalizeString(text: string): string {
    return text.length === 0 ? text : this.prepend + text;
  }
  normalize(piece: Piece): Piece {
    if (piece.text.length === 0) return piece;
    const b = new PieceBuilder(originStart(piece, 0));
    b.appendSpan(this.prepend, originStart(piece, 0), originEnd(piece, 0));
    b.appendFrom(piece, 0, piece.text.length);
    return b.build();
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, prepend: this.prepend };
  }
}
