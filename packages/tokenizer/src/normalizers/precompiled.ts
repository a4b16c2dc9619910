/**
 * Precompiled: SentencePiece's compiled normalization rules ("precompiled charsmap"), the normalizer
 * of T5, ALBERT, XLNet and every `.model` trained with the default `nmt_nfkc` rule.
 *
 * The blob is `[u32 LE trie size][double-array trie][NUL-terminated replacement strings]`. The trie
 * maps UTF-8 byte sequences to an offset into the strings. Normalizing walks the input: at each
 * position take the LONGEST key that is a prefix of the rest (SentencePiece's `NormalizePrefix`),
 * output its replacement and skip the key; with no key, copy one character. HF tokenizers reads the
 * same rules differently (grapheme by grapheme, first match wins), which differs on rare inputs
 * such as "\r\n" or stacked combining marks; `mode` picks which of the two to reproduce.
 *
 *   rules {"ﬁ" -> "fi", "\t" -> " "}:   "ﬁ\tx"  ->  "fi x"   spans f,i=[0,1) " "=[1,2) x=[2,3)
 *
 * Double-array unit layout (Darts-clone): bits 0-7 label, bit 8 has-leaf, bit 9 offset shift,
 * bits 10-30 offset, bit 31 is-leaf; a leaf unit stores its value in bits 0-30.
 */
import { TokenizerFormatError } from '../errors.js';
import { encodeUtf8Into } from '../models/utf8.js';
import { originEnd, originStart, PieceBuilder } from '../pipeline/piece-ops.js';
import type { Normalizer, Piece } from '../pipeline/types.js';
import { applyChanges, type Change } from './transform.js';

/** Where the children of the node with this unit start (bits 10-30, shifted by 8 when bit 9 is set). */
function childBase(unit: number): number {
  return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
}

/** The unit index of the child along byte `c` of the node whose children start at `base`, or -1. */
function child(units: Uint32Array, base: number, c: number): number {
  const at = base ^ c;
  return ((units[at] ?? 0) & ((1 << 31) | 0xff)) >>> 0 === c ? at : -1;
}

/** Whether the node of this unit ends a key (its leaf, holding the value, is at its children's base). */
function hasLeaf(unit: number): boolean {
  return ((unit >>> 8) & 1) === 1;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** How the rules are applied; see {@link Precompiled.mode}. */
export type PrecompiledMode = 'sentencepiece' | 'hf';

const utf8 = new TextEncoder();
const ASCII = /^[\x00-\x7f]*$/;
let segmenter: Intl.Segmenter | undefined;

/** Extended grapheme clusters of `text` as [start, end) pairs. */
function* graphemes(text: string): Generator<[number, number]> {
  if (ASCII.test(text)) {
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\r' && text[i + 1] === '\n') {
        yield [i, i + 2];
        i++;
      } else yield [i, i + 1];
    }
    return;
  }
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const g of segmenter.segment(text)) yield [g.index, g.index + g.segment.length];
}

/**
 * HF's change list for a Precompiled rewrite: untouched characters are (c, 0); a rewrite of n
 * characters into m emits its m characters with 0, then marks the last m - n of the WHOLE list as
 * inserted when it grew, or adds n - m removals to the last entry of the whole list when it shrank.
 * When nothing precedes a shrinking rewrite the removal is lost, which shifts later offsets: that is
 * HF's behaviour ("\u0007a" gives "a" the span of "\u0007"), reproduced on purpose.
 */
function hfChanges(text: string, rewrites: number[], reps: string[]): Change[] {
  const out: Change[] = [];
  const keep = (s: number, e: number): void => {
    for (const c of text.slice(s, e)) out.push([c, 0]);
  };
  let last = 0;
  for (let k = 0; k < rewrites.length; k += 3) {
    const s = rewrites[k]!;
    const e = rewrites[k + 1]!;
    keep(last, s);
    const oldCount = Array.from(text.slice(s, e)).length;
    const rep = Array.from(reps[rewrites[k + 2]!]!);
    for (const c of rep) out.push([c, 0]);
    const diff = rep.length - oldCount;
    if (diff > 0) for (let j = out.length - diff; j < out.length; j++) out[j]![1] = 1;
    else if (diff < 0 && out.length > 0) out[out.length - 1]![1] += diff;
    last = e;
  }
  keep(last, text.length);
  return out;
}

/**
 * Appends `rep` for input units [s, e): growing or same length -> every unit gets the whole span;
 * shrinking -> output character k gets the span of input character k (HF's alignment rule).
 */
function appendAligned(b: PieceBuilder, piece: Piece, s: number, e: number, rep: string): void {
  const inChars = Array.from(piece.text.slice(s, e));
  const outChars = Array.from(rep);
  if (outChars.length >= inChars.length) {
    b.appendSpan(rep, originStart(piece, s), originEnd(piece, e - 1));
    return;
  }
  let at = s;
  outChars.forEach((c, k) => {
    const len = inChars[k]!.length;
    b.appendSpan(c, originStart(piece, at), originEnd(piece, at + len - 1));
    at += len;
  });
}
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function base64ToBytes(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * @example
 * ```ts
 * const n = Precompiled.fromBase64(tokenizerJson.normalizer.precompiled_charsmap);
 * n.normalizeString('ﬁ') // 'fi' for the nmt_nfkc rules
 * ```
 */
export class Precompiled implements Normalizer {
  readonly type = 'Precompiled';
  readonly charsmap: Uint8Array;
  private readonly units: Uint32Array;
  private readonly strings: Uint8Array;

  /**
   * `sentencepiece` (longest rule at each position, what `spm.encode` does; used for `.model` files)
   * or `hf` (HF tokenizers' reading of the same rules: grapheme by grapheme; used for tokenizer.json).
   */
  readonly mode: PrecompiledMode;

  constructor(charsmap: Uint8Array, mode: PrecompiledMode = 'hf') {
    this.charsmap = charsmap;
    this.mode = mode;
    const fail = (found: string): never => {
      throw new TokenizerFormatError({
        operation: 'Precompiled',
        where: 'precompiled_charsmap',
        expected: 'a u32 trie size followed by a double-array trie and NUL-terminated strings',
        found,
        hint: 'the charsmap is corrupt or truncated; re-export it from the SentencePiece model',
      });
    };
    if (charsmap.length === 0) {
      // An empty charsmap (what HF writes for "identity" rules): no rules at all.
      this.units = new Uint32Array(0);
      this.strings = charsmap;
      return;
    }
    if (charsmap.length < 4) fail(`${charsmap.length} bytes`);
    const view = new DataView(charsmap.buffer, charsmap.byteOffset, charsmap.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > charsmap.length)
      fail(`a trie size of ${trieSize} in ${charsmap.length} bytes`);
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.strings = charsmap.subarray(4 + trieSize);
  }

  static fromBase64(b64: string, mode: PrecompiledMode = 'hf'): Precompiled {
    return new Precompiled(base64ToBytes(b64), mode);
  }

  private replacement(value: number): string {
    const hit = this.replacements.get(value);
    if (hit !== undefined) return hit;
    const r = this.decodeReplacement(value);
    this.replacements.set(value, r);
    return r;
  }
  private readonly replacements = new Map<number, string>();

  private decodeReplacement(value: number): string {
    let end = value;
    while (end < this.strings.length && this.strings[end] !== 0) end++;
    return utf8Decoder.decode(this.strings.subarray(value, end));
  }

  /**
   * The longest rule starting at code unit `i` of `text`: its replacement and how many code units it
   * covers, or null. Walks the trie on the fly over the UTF-8 bytes of the following characters, so
   * nothing is allocated unless a rule matches.
   */
  private step(text: string, i: number): [string, number] | null {
    const units = this.units;
    if (units.length === 0) return null;
    let base = childBase(units[0]!);
    let bestValue = -1;
    let bestEnd = i;
    const bytes = this.scratch;
    for (let u = i; u < text.length; ) {
      const c = text.charCodeAt(u);
      const width =
        c >= 0xd800 && c <= 0xdbff && u + 1 < text.length && isLowSurrogate(text.charCodeAt(u + 1)) ? 2 : 1;
      let n = 1;
      if (c < 0x80) bytes[0] = c;
      else n = encodeUtf8Into(text, u, u + width, bytes); // a lone surrogate is U+FFFD, as in Rust
      let leaf = false;
      for (let k = 0; k < n; k++) {
        const at = child(units, base, bytes[k]!);
        if (at < 0) return bestValue < 0 ? null : [this.replacement(bestValue), bestEnd - i];
        const unit = units[at] ?? 0;
        base = at ^ childBase(unit);
        leaf = hasLeaf(unit);
      }
      u += width;
      if (leaf) {
        bestValue = (units[base] ?? 0) & 0x7fffffff;
        bestEnd = u;
      }
    }
    return bestValue < 0 ? null : [this.replacement(bestValue), bestEnd - i];
  }
  private readonly scratch = new Uint8Array(4);

  /**
   * The rewrites of `text` as flat `[start, end, replacementIndex]` triples over UTF-16 units, with
   * the replacement strings in `reps`.
   */
  private rewrites(text: string, reps: string[]): number[] {
    const out: number[] = [];
    if (this.mode === 'sentencepiece') {
      for (let i = 0; i < text.length; ) {
        const r = this.stepAt(text, i);
        if (r === null) {
          i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
          continue;
        }
        out.push(i, i + r[1], reps.length);
        reps.push(r[0]);
        i += r[1];
      }
      return out;
    }
    // HF: per grapheme; a short grapheme (< 6 UTF-8 bytes) with a rule matching its start is replaced
    // whole, otherwise each of its characters is looked up on its own.
    for (const [s, e] of graphemes(text)) {
      const g = text.slice(s, e);
      if (e - s > 1) {
        const bytes = utf8.encode(g);
        if (bytes.length < 6) {
          const v = this.shortestPrefix(bytes);
          if (v !== null) {
            out.push(s, e, reps.length);
            reps.push(this.replacement(v));
            continue;
          }
        }
      }
      for (let i = s; i < e; ) {
        const n = (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
        const r = this.stepAt(text, i, true);
        if (r !== null) {
          out.push(i, i + n, reps.length);
          reps.push(r[0]);
        }
        i += n;
      }
    }
    return out;
  }

  /** Value of the shortest trie key that prefixes `bytes` (HF's `common_prefix_search(..)[0]`). */
  private shortestPrefix(bytes: Uint8Array): number | null {
    const units = this.units;
    if (units.length === 0) return null;
    let base = childBase(units[0]!);
    for (const c of bytes) {
      const at = child(units, base, c);
      if (at < 0) return null;
      const unit = units[at] ?? 0;
      base = at ^ childBase(unit);
      if (hasLeaf(unit)) return (units[base] ?? 0) & 0x7fffffff;
    }
    return null;
  }

  normalizeString(text: string): string {
    const reps: string[] = [];
    const r = this.rewrites(text, reps);
    if (r.length === 0) return text;
    let out = '';
    let last = 0;
    for (let k = 0; k < r.length; k += 3) {
      out += text.slice(last, r[k]) + reps[r[k + 2]!];
      last = r[k + 1]!;
    }
    return out + text.slice(last);
  }

  normalize(piece: Piece): Piece {
    const { text } = piece;
    const reps: string[] = [];
    const r = this.rewrites(text, reps);
    if (r.length === 0) return piece;
    if (this.mode === 'hf') return applyChanges(piece, hfChanges(text, r, reps));
    const b = new PieceBuilder(piece.base);
    let last = 0;
    for (let k = 0; k < r.length; k += 3) {
      const s = r[k]!;
      const e = r[k + 1]!;
      b.appendFrom(piece, last, s);
      appendAligned(b, piece, s, e, reps[r[k + 2]!]!);
      last = e;
    }
    b.appendFrom(piece, last, text.length);
    return b.build();
  }

  /** Like `step`, but only looks beyond the current character when the trie could match more. */
  private stepAt(text: string, i: number, charOnly = false): [string, number] | null {
    // Most characters have no rule and no multi-character rule starting with them: cache per char.
    const cp = text.codePointAt(i)!;
    if (charOnly) {
      let own = this.charCache.get(cp);
      if (own === undefined) {
        own = this.step(String.fromCodePoint(cp), 0) ?? 'none';
        this.charCache.set(cp, own);
      }
      return own === 'none' ? null : own;
    }
    let single = this.singleCache.get(cp);
    if (single === undefined) {
      const ch = String.fromCodePoint(cp);
      single = this.isPrefixOfLongerKey(ch) ? 'multi' : (this.step(ch, 0) ?? 'none');
      this.singleCache.set(cp, single);
    }
    if (single === 'none') return null;
    if (single === 'multi') return this.step(text, i);
    return single;
  }
  private readonly singleCache = new Map<number, [string, number] | 'none' | 'multi'>();
  private readonly charCache = new Map<number, [string, number] | 'none'>();

  /** True when some trie key is longer than `ch` and starts with it. */
  private isPrefixOfLongerKey(ch: string): boolean {
    const units = this.units;
    if (units.length === 0) return false;
    let base = childBase(units[0]!);
    for (const c of utf8.encode(ch)) {
      const at = child(units, base, c);
      if (at < 0) return false;
      base = at ^ childBase(units[at] ?? 0);
    }
    // `base` holds the key's children: is there any besides the leaf (label 0)?
    for (let c = 1; c < 256; c++) if (child(units, base, c) >= 0) return true;
    return false;
  }

  toJSON(): Record<string, unknown> {
    return { type: this.type, precompiled_charsmap: bytesToBase64(this.charsmap) };
  }
}
