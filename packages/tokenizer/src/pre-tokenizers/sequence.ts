/** Sequence: runs pre-tokenizers one after the other, each on every piece the previous one made. */
import { pieceOf } from '../pipeline/piece-ops.js';
import type { Piece, PreTokenizer } from '../pipeline/types.js';
import { Metaspace } from './metaspace.js';

/**
 * @example
 * ```ts
 * const out: string[] = [];
 * new PreTokenizerSequence([new WhitespaceSplit(), new Digits(true)]).splitString('a12 b', out);
 * // out = ['a', '1', '2', 'b']
 * ```
 */
export class PreTokenizerSequence implements PreTokenizer {
  readonly type = 'Sequence';
  constructor(readonly preTokenizers: PreTokenizer[]) {}
  /** `atInputStart` as for {@link Metaspace.splitString}: false for text after an added token. */
  splitString(text: string, out: string[], atInputStart = true): void {
    // A Metaspace with prepend_scheme "first" after another stage must know which piece starts the
    // input, which plain strings do not carry: take the path with origins then.
    if (this.preTokenizers.some((p, i) => i > 0 && p instanceof Metaspace && p.prependScheme === 'first')) {
      for (const p of this.preTokenize([pieceOf(text, atInputStart ? 0 : 1)])) out.push(p.text);
      return;
    }
    let cur = [text];
    for (const p of this.preTokenizers) {
      const next: string[] = [];
      const startAware = p instanceof Metaspace || p instanceof PreTokenizerSequence;
      for (let k = 0; k < cur.length; k++) {
        if (startAware) p.splitString(cur[k]!, next, atInputStart && k === 0);
        else p.splitString(cur[k]!, next);
      }
      cur = next;
    }
    for (const t of cur) out.push(t);
  }
  preTokenize(pieces: Piece[]): Piece[] {
    for (const p of this.preTokenizers) pieces = p.preTokenize(pieces);
    return pieces;
  }
  toJSON(): Record<string, unknown> {
    return { type: this.type, pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }
}
