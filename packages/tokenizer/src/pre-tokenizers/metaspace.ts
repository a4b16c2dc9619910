/**
 * Metaspace (SentencePiece style): spaces become "▁" (U+2581), a "▁" is prepended (`always`, or only
 * to the piece that starts the input with `first`, or `never`), and with `split` the text is cut
 * before every "▁":
 *
 *   "Hello world"  ->  "▁Hello▁world"  ->  "▁Hello" | "▁world"
 *
 * The prepended "▁" takes the span of the first character, so "▁Hello" covers [0,5).
 */

import { badField, type JSONObject, optBool, optStr } from '../formats/json-fields.js';
import { originEnd, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Piece, PreTokenizer } from '../pipeline/types.js';
import { splitPiecesBy, splitRanges } from './split-behavior.js';

/** When the replacement character is prepended. */
export type PrependScheme = 'always' | 'first' | 'never';

/**
 * The constructor arguments of {@link Metaspace} (and of the Metaspace decoder) from tokenizer.json;
 * older files say `add_prefix_space` instead of `prepend_scheme`.
 */
export function metaspaceArgs(o: JSONObject, where: string): [string, PrependScheme, boolean] {
  const s = o.prepend_scheme;
  let scheme: PrependScheme;
  if (s === undefined || s === null)
    scheme = optBool(o, 'add_prefix_space', where, true) ? 'always' : 'never';
  else if (s === 'always' || s === 'first' || s === 'never') scheme = s;
  else return badField(`${where}.prepend_scheme`, 'one of always, first, never', s);
  return [optStr(o, 'replacement', where, '▁'), scheme, optBool(o, 'split', where, true)];
}

/**
 * @example
 * ```ts
 * const out: string[] = []; new Metaspace().splitString('Hello world', out); // ['▁Hello', '▁world']
 * ```
 */
export class Metaspace implements PreTokenizer {
  readonly type = 'Metaspace';
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {}

  private wantsPrefix(text: string, startsInput: boolean): boolean {
    if (text.length === 0 || text.startsWith(this.replacement)) return false;
    return this.prependScheme === 'always' || (this.prependScheme === 'first' && startsInput);
  }

  /**
   * `atInputStart`: whether `text` begins the input (false for text after an added token), which
   * `prepend_scheme: "first"` needs; the piece path reads it from the origins instead.
   */
  splitString(text: string, out: string[], atInputStart = true): void {
    let t = text.replaceAll(' ', this.replacement);
    if (this.wantsPrefix(t, atInputStart)) t = this.replacement + t;
    if (!this.split) {
      if (t.length > 0) out.push(t);
      return;
    }
    const r = splitRanges(t, this.replacement, 'MergedWithNext', false);
    for (let k = 0; k < r.length; k += 2) out.push(t.slice(r[k], r[k + 1]));
  }

  preTokenize(pieces: Piece[]): Piece[] {
    const mapped = pieces.map((p, i) => {
      const t = p.text.replaceAll(' ', this.replacement);
      const q: Piece = { text: t, base: p.base, map: p.map };
      // "first": only the piece that begins the input gets the prefix (HF checks its offset is 0).
      if (!this.wantsPrefix(t, i === 0 && originStart(p, 0) === 0)) return q;
      const b = new PieceBuilder(originStart(q, 0));
      b.appendSpan(this.replacement, originStart(q, 0), originEnd(q, 0));
      b.appendFrom(q, 0, t.length);
      return b.build();
    });
    return this.split
      ? splitPiecesBy(mapped, this.replacement, 'MergedWithNext', false)
      : mapped.filter((p) => p.text.length > 0);
  }

  toJSON(): Record<string, unknown> {
    return {
      type: this.type,
      replacement: this.replacement,
      prepend_scheme: this.prependScheme,
      split: this.split,
    };
  }
}
