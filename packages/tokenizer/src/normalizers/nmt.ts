/**
 * Nmt: the control-character cleanup of SentencePiece's `nmt_nfkc` rule, without the NFKC part:
 * drops ASCII/C1 controls (U+0001-0008, 000B, 000E-001F, 007F, 008F, 009F) and turns other
 * "space-like" characters (\t \n \f \r, U+1680, U+200B-200F, U+2028/2029, U+2581 ▁, U+FEFF, U+FFFD)
 * into " ".
 */
import type { Normalizer, Piece } from '../pipeline/types.js';
import { mapChars, mapCharsString } from './map-chars.js';

function nmt(c: string): string {
  const cp = c.codePointAt(0)!;
  if (
    (cp >= 0x01 && cp <= 0x08) ||
    cp === 0x0b ||
    (cp >= 0x0e && cp <= 0x1f) ||
    cp === 0x7f ||
    cp === 0x8f ||
    cp === 0x9f
  )
    return '';
  if (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0c ||
    cp === 0x0d ||
    cp === 0x1680 ||
    (cp >= 0x200b && cp <= 0x200f) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x2581 ||
    cp === 0xfeff ||
    cp === 0xfffd
  )
    return ' ';
  return c;
}

const TOUCHED = /[\x01-\x0d\x0e-\x1f\x7f\x8f\x9f\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]/;

/**
 * @example
 * ```ts
 * new Nmt().normalizeString('a\tb\u200bc\u0007') // 'a b c'
 * ```
 */
export class Nmt implements Normalizer {
  readonly type = 'Nmt';
  normalizeString(text: string): string {
    return TOUCHED.test(text) ? mapCharsString(text, nmt) : text;
  }
  normalize(piece: Piece): Piece {
    return TOUCHED.test(piece.text) ? mapChars(piece, nmt) : piece;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
