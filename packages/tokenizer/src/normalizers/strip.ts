/**
 * Strip: removes leading (`left`) and/or trailing (`right`) whitespace, Unicode White_Space as Rust's
 * `char::is_whitespace` defines it (not quite JS's `\s`, which adds U+FEFF and misses U+0085).
 */

import { slicePiece } from '../pipeline/piece-ops.js';
import type { Normalizer, Piece } from '../pipeline/types.js';

/** Unicode White_Space, the set Rust's `char::is_whitespace` uses. */
export const WHITE_SPACE =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEAD = new RegExp(`^[${WHITE_SPACE}]+`);
const TRAIL = new RegExp(`[${WHITE_SPACE}]+$`);

/**
 * @example
 * ```ts
 * new Strip(true, true).normalizeString('  hi \n') // 'hi'
 * ```
 */
export class Strip implements Normalizer {
  readonly type = 'Strip';
  constructor(
    readonly left = true,
    readonly right = true,
  ) {}

  private bounds(text: string): [number, number] {
    const s = this.left ? (LEAD.exec(text)?.[0].length ?? 0) : 0;
    const e = this.right ? text.length - (TRAIL.exec(text)?.[0].length ?? 0) : text.length;
    return [s, Math.max(s, e)];
  }
  normalizeString(text: string): string {
    const [s, e] = this.bounds(text);
    return text.slice(s, e);
  }
  normalize(piece: Piece): Piece {
    const [s, e] = this.bounds(piece.text);
    return s === 0 && e === piece.text.length ? piece : slicePiece(piece, s, e);
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, strip_left: this.left, strip_right: this.right };
  }
}
