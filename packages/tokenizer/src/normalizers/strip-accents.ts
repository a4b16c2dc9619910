/**
 * StripAccents: removes combining marks (general category M). It does not decompose first, so put
 * NFD (or NFKD) before it: `Sequence[NFD, StripAccents]` turns "é" into "e".
 */
import type { Normalizer, Piece } from '../pipeline/types.js';
import { mapChars } from './map-chars.js';

const MARKS = /\p{M}/gu;

/**
 * @example
 * ```ts
 * new StripAccents().normalizeString('cafe\u0301') // 'cafe'
 * ```
 */
export class StripAccents implements Normalizer {
  readonly type = 'StripAccents';
  normalizeString(text: string): string {
    return text.replace(MARKS, '');
  }
  normalize(piece: Piece): Piece {
    MARKS.lastIndex = 0;
    if (!MARKS.test(piece.text)) return piece;
    MARKS.lastIndex = 0;
    return mapChars(piece, (c) => (/\p{M}/u.test(c) ? '' : c));
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
