/**
 * Unicode normalization forms NFC, NFD, NFKC and NFKD (tokenizer.json types of the same names).
 *
 * Text is cut into segments of one base character plus the marks (and Hangul vowel/final jamo) that
 * follow it, and each segment is normalized on its own. Spans follow HF's rule exactly (see
 * `transform.ts`): each character decomposes on its own (first output replaces it, the rest are
 * inserted), canonical reordering moves marks together with their changes, and a composition
 * swallows the characters it absorbs:
 *
 *   NFKC "ﬁé" (é written e + U+0301)  ->  segments "ﬁ" [0,1), "e\u0301" [1,3)  ->  "fi" + "é"
 *   spans: f=[0,1) i=[0,1) é=[1,2)
 *
 * If segment-wise normalization ever disagrees with normalizing the whole text (composition across a
 * segment boundary), interacting segments are merged and normalized together.
 */

import { originEnd, originStart, PieceBuilder, slicePiece } from '../pipeline/piece-ops.js';
import type { Normalizer, Piece } from '../pipeline/types.js';
import { applyChanges, type Change } from './transform.js';

/** The four Unicode normalization forms. */
export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

const ASCII = /^[\x00-\x7f]*$/;

/** `target` as a permutation of `items` (matching equal characters in order), or null. */
function takeInOrder(items: Change[], target: string[]): Change[] | null {
  if (items.length !== target.length) return null;
  const used = new Array<boolean>(items.length).fill(false);
  const out: Change[] = [];
  for (const ch of target) {
    const j = items.findIndex((x, k) => !used[k] && x[0] === ch);
    if (j < 0) return null;
    used[j] = true;
    out.push(items[j]!);
  }
  return out;
}

/** Fallback: every output unit gets the span of the whole input. */
function wholeSpan(piece: Piece, text: string): Piece {
  const b = new PieceBuilder(piece.base);
  b.appendSpan(text, originStart(piece, 0), originEnd(piece, piece.text.length - 1));
  return b.build();
}
const SEGMENT = /[\s\S][\p{M}\u1160-\u11ff]*/gu;

/**
 * A Unicode normalization form as a pipeline normalizer.
 *
 * @example
 * ```ts
 * new UnicodeNormalizer('NFKC').normalizeString('ﬁ①') // 'fi1'
 * ```
 */
export class UnicodeNormalizer implements Normalizer {
  readonly type: UnicodeForm;
  constructor(form: UnicodeForm) {
    this.type = form;
  }

  normalizeString(text: string): string {
    return ASCII.test(text) ? text : text.normalize(this.type);
  }

  normalize(piece: Piece): Piece {
    const { text } = piece;
    if (ASCII.test(text)) return piece;
    const whole = text.normalize(this.type);
    if (whole === text) return piece;
    const segments = Array.from(text.matchAll(SEGMENT), (m) => [m.index, m.index + m[0].length] as const);
    const fast = this.normalizeSegments(piece, segments, whole);
    if (fast) return fast;
    // Some segments interact (e.g. halfwidth Hangul jamo that compose across our segment boundary):
    // merge each segment into the previous group while normalizing them apart would differ.
    const groups: [number, number][] = [];
    for (const [s, e] of segments) {
      const last = groups[groups.length - 1];
      if (last) {
        const a = text.slice(last[0], last[1]);
        const b = text.slice(s, e);
        if ((a + b).normalize(this.type) !== a.normalize(this.type) + b.normalize(this.type)) {
          last[1] = e;
          continue;
        }
      }
      groups.push([s, e]);
    }
    return this.normalizeSegments(piece, groups, whole) ?? wholeSpan(piece, whole);
  }

  /** Normalizes segment by segment; null when the result differs from normalizing the whole text. */
  private normalizeSegments(
    piece: Piece,
    segments: readonly (readonly [number, number])[],
    whole: string,
  ): Piece | null {
    const { text } = piece;
    const b = new PieceBuilder(piece.base);
    let joined = '';
    for (const [s, e] of segments) {
      const seg = text.slice(s, e);
      const norm = seg.normalize(this.type);
      joined += norm;
      if (norm === seg) {
        b.appendFrom(piece, s, e);
        continue;
      }
      const sub = slicePiece(piece, s, e);
      const changes = this.changes(seg, norm);
      const out = changes ? applyChanges(sub, changes) : wholeSpan(sub, norm);
      b.appendFrom(out, 0, out.text.length);
    }
    return joined === whole ? b.build() : null;
  }

  /**
   * The HF change list of one segment: decompose each character on its own (first output 0, the
   * rest inserted), apply the canonical reordering of the whole segment (changes travel with their
   * characters), then for NFC/NFKC compose: a composed character carries the sum of its parts'
   * changes minus one per extra part. Null if the segment does not decompose that way.
   */
  private changes(seg: string, norm: string): Change[] | null {
    const decomp = this.type === 'NFC' ? 'NFD' : this.type === 'NFKC' ? 'NFKD' : this.type;
    const parts: Change[] = [];
    for (const c of seg) {
      let k = 0;
      for (const x of c.normalize(decomp)) parts.push([x, k++ === 0 ? 0 : 1]);
    }
    const ordered = takeInOrder(parts, Array.from(seg.normalize(decomp)));
    if (!ordered) return null;
    if (decomp === this.type) return ordered;
    const out: Change[] = [];
    const used = new Array<boolean>(ordered.length).fill(false);
    for (const t of norm) {
      let sum = 0;
      const comps = Array.from(t.normalize(decomp));
      for (const comp of comps) {
        const j = ordered.findIndex((x, k) => !used[k] && x[0] === comp);
        if (j < 0) return null;
        used[j] = true;
        sum += ordered[j]![1];
      }
      out.push([t, sum - (comps.length - 1)]);
    }
    return used.every(Boolean) ? out : null;
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type };
  }
}
