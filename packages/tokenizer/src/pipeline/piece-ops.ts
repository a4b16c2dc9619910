/**
 * Small helpers over {@link Piece}, the unit of text that moves down the pipeline together with the
 * origin of each of its UTF-16 code units (see `pipeline/types.ts`).
 *
 * Worked example: normalizing "ﬁx" (2 units: "ﬁ" is one) with NFKC gives "fix" (3 units):
 *
 *   input  "ﬁx"        units: ﬁ=[0,1) x=[1,2)
 *   output "fix"       map:   f=[0,1) i=[0,1) x=[1,2)   -> Uint32Array [0,1, 0,1, 1,2]
 *
 * A {@link PieceBuilder} collects such output: `appendSpan("fi", 0, 1)` then `appendFrom(piece, 1, 2)`.
 */
import type { Piece } from '../pipeline/types.js';

/** A piece whose units map one to one onto `[base, base + text.length)`. */
export function pieceOf(text: string, base = 0): Piece {
  return { text, base, map: null };
}

/** Start offset (in the original input) of unit `i` of `piece`; `i === text.length` gives the end of the last unit. */
export function originStart(piece: Piece, i: number): number {
  if (piece.map === null) return piece.base + i;
  if (i >= piece.text.length) return originEnd(piece, piece.text.length - 1);
  return piece.map[2 * i] ?? piece.base;
}

/** End offset (in the original input) of unit `i` of `piece`. */
export function originEnd(piece: Piece, i: number): number {
  if (piece.map === null) return piece.base + i + 1;
  if (i < 0) return piece.base;
  return piece.map[2 * i + 1] ?? piece.base;
}

/** The span `[start, end)` of the original input that units `[s, e)` of `piece` came from. */
export function originSpan(piece: Piece, s: number, e: number): [number, number] {
  if (e <= s) {
    const at = s < piece.text.length ? originStart(piece, s) : originEnd(piece, piece.text.length - 1);
    return [at, at];
  }
  return [originStart(piece, s), originEnd(piece, e - 1)];
}

/** Units `[s, e)` of `piece` as a new piece (sharing the origin map, or none when it is the identity there). */
export function slicePiece(piece: Piece, s: number, e: number): Piece {
  if (piece.map === null) return { text: piece.text.slice(s, e), base: piece.base + s, map: null };
  const map = piece.map;
  const base = map[2 * s] ?? piece.base;
  let identity = true;
  for (let i = s, at = 2 * s; i < e; i++, at += 2) {
    if (map[at] !== base + (i - s) || map[at + 1] !== base + (i - s) + 1) {
      identity = false;
      break;
    }
  }
  if (identity) return { text: piece.text.slice(s, e), base, map: null };
  return {
    text: piece.text.slice(s, e),
    base: piece.map[2 * s] ?? piece.base,
    map: piece.map.subarray(2 * s, 2 * e),
  };
}

/**
 * Accumulates output text and the origin of each output unit. Stays in the cheap `map === null` form
 * for as long as the output is an identity copy of a contiguous input range; otherwise origins go
 * into a growable Uint32Array (two entries per unit).
 */
export class PieceBuilder {
  private parts: string[] = [];
  private map: Uint32Array | null = null;
  private length = 0;
  private readonly base: number;

  constructor(base: number) {
    this.base = base;
  }

  private reserve(extraUnits: number): Uint32Array {
    let map = this.map;
    if (map === null) {
      map = new Uint32Array(Math.max(16, 2 * (this.length + extraUnits) * 2));
      for (let i = 0; i < this.length; i++) {
        map[2 * i] = this.base + i;
        map[2 * i + 1] = this.base + i + 1;
      }
    } else if (map.length < 2 * (this.length + extraUnits)) {
      const bigger = new Uint32Array(Math.max(map.length * 2, 2 * (this.length + extraUnits)));
      bigger.set(map.subarray(0, 2 * this.length));
      map = bigger;
    }
    this.map = map;
    return map;
  }

  /** Appends `text`, every unit of which came from `[start, end)` of the original input. */
  appendSpan(text: string, start: number, end: number): void {
    if (text.length === 0) return;
    if (this.map === null && text.length === 1 && end === start + 1 && start === this.base + this.length) {
      this.parts.push(text);
      this.length += 1;
      return;
    }
    const map = this.reserve(text.length);
    for (let i = 0, at = 2 * this.length; i < text.length; i++, at += 2) {
      map[at] = start;
      map[at + 1] = end;
    }
    this.parts.push(text);
    this.length += text.length;
  }

  /** Appends units `[s, e)` of `piece` with their origins. */
  appendFrom(piece: Piece, s: number, e: number): void {
    if (e <= s) return;
    const text = s === 0 && e === piece.text.length ? piece.text : piece.text.slice(s, e);
    if (this.map === null && piece.map === null && piece.base + s === this.base + this.length) {
      this.parts.push(text);
      this.length += e - s;
      return;
    }
    const map = this.reserve(e - s);
    if (piece.map !== null) map.set(piece.map.subarray(2 * s, 2 * e), 2 * this.length);
    else {
      for (let i = s, at = 2 * this.length; i < e; i++, at += 2) {
        map[at] = piece.base + i;
        map[at + 1] = piece.base + i + 1;
      }
    }
    this.parts.push(text);
    this.length += e - s;
  }

  build(): Piece {
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    if (this.map === null) return { text, base: this.base, map: null };
    const map = this.map.slice(0, 2 * this.length);
    return { text, base: map[0] ?? this.base, map };
  }
}
