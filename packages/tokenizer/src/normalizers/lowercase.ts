/**
 * Lowercase: every code point lowercased on its own (Rust's `char::to_lowercase`, what HF does), so
 * a final capital sigma becomes σ, never ς (JS's `toLowerCase` on a whole string would pick ς).
 */
import type { Normalizer, Piece } from '../pipeline/types.js';
import { mapChars, mapCharsString } from './map-chars.js';

const lower = (ch: string): string => ch.toLowerCase();

/**
 * @example
 * ```ts
 * new Lowercase().normalizeString('ÀB İ') // 'àb i̇'
 * ```
 */
export class Lowercase implements Normalizer {
  readonly type = 'Lowercase';
  normalizeString(text: string): string {
    return text.includes('Σ') ? mapCharsString(text, lower) : text.toLowerCase();
  }
  normalize(piece: Piece): Piece {
    const t = piece.text;
    if (t.toLowerCase() === t) return piece;
    return mapChars(piece, lower);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
