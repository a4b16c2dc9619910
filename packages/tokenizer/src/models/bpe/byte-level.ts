/**
 * Byte-level BPE, the fast path: tiktoken's algorithm over the UTF-8 bytes of a piece, for
 * tiktoken rank files and for every tokenizer.json whose model is a byte-level BPE (GPT-2, Llama 3,
 * GPT-4o, ...). It produces exactly the ids of the general {@link BPE} model on byte-level-mapped
 * text, without building the mapped string.
 *
 * Per piece (`" world"`), in order:
 *
 *  1. `ignoreMerges` (tiktoken always, Llama 3): the whole piece is a token? Done, one id.
 *  2. the cache: a piece seen before gives its ids back (most pieces of real text).
 *  3. encode the piece to UTF-8 in a reusable buffer (`20 77 6F 72 6C 64`), map each byte to its
 *     id, and run the merge loop of `merge.ts` over the ids (`encodeWithRanks` of `reference.ts`).
 *
 * Worked example (cl100k): " world" is a token, so step 1 answers [1917]; "worldwide!" is not:
 * bytes -> [w o r l d w i d e !] -> merges -> ["world", "wide", "!"].
 */
import { TokenizerInputError } from '../../errors.js';
import { decodeUtf8Strict, encodeUtf8Into } from '../utf8.js';
import { mergeWord } from './merge.js';
import { PairTable } from './pair-table.js';

/** How {@link ByteLevelBPE} is built: byte ids, the pair table, each id's bytes. */
export interface ByteLevelBPEInit {
  /**
   * Id of each single byte; -1 where the vocabulary lacks it: text needing that byte (outside a
   * whole-token piece) then raises a TokenizerInputError (tiktoken itself panics) rather than
   * losing it.
   */
  byteToId: Int32Array;
  /** Pair -> rank, and `table.merged[rank]` the id it merges into. */
  table: PairTable;
  /** Bytes of each id (undefined for ids that are not byte tokens). */
  tokenBytes: (Uint8Array | undefined)[];
  /** A piece that is itself a token becomes that token without merging (tiktoken, Llama 3). */
  ignoreMerges: boolean;
}

/** Cache entries beyond this count clear the cache (a bound on memory for endless streams). */
const CACHE_LIMIT = 200_000;

/**
 * The byte-level BPE encoder. Build it with {@link ByteLevelBPE.fromRanks} (tiktoken) or from a
 * byte-level {@link BPE} model (`BPE.byteLevel()`).
 *
 * @example
 * ```ts
 * import { ByteLevelBPE } from '@llmforge/tokenizer';
 * const enc = ByteLevelBPE.fromRanks([...Array(256)].map((_, b) => Uint8Array.of(b)).concat([Uint8Array.of(97, 98)]));
 * const out: number[] = [];
 * enc.encodePiece('abab', out); // out = [256, 256]
 * ```
 */
export class ByteLevelBPE {
  readonly byteToId: Int32Array;
  readonly table: PairTable;
  readonly tokenBytes: (Uint8Array | undefined)[];
  readonly ignoreMerges: boolean;
  private whole: Map<string, number> | null = null;
  private cache = new Map<string, number | number[]>();
  private buf = new Uint8Array(256);
  private syms = new Int32Array(256);
  private sizes = new Int32Array(256);

  constructor(init: ByteLevelBPEInit) {
    this.byteToId = init.byteToId;
    this.table = init.table;
    this.tokenBytes = init.tokenBytes;
    this.ignoreMerges = init.ignoreMerges;
  }

  /**
   * Builds the encoder from tiktoken ranks: `ranks[r]` holds the bytes of the token of rank (= id) r;
   * holes (undefined) are allowed. Every split of every token becomes a pair with the token's rank.
   */
  static fromRanks(ranks: readonly (Uint8Array | undefined)[]): ByteLevelBPE {
    // Every split of every token is looked up, ~1.2M lookups for o200k. To avoid making a string
    // per split, tokens are found by a polynomial hash of their bytes: the hash of a prefix is kept
    // while walking the token, the hash of the suffix follows from it (h(t[k..L)) = H[L] - H[k]*P^(L-k)).
    const n = ranks.length;
    const offsets = new Int32Array(n + 1);
    let total = 0;
    for (let r = 0; r < n; r++) {
      offsets[r] = total;
      total += ranks[r]?.length ?? 0;
    }
    offsets[n] = total;
    const flat = new Uint8Array(total);
    for (let r = 0; r < n; r++) if (ranks[r]) flat.set(ranks[r]!, offsets[r]!);
    let maxLen = 1;
    for (let r = 0; r < n; r++) maxLen = Math.max(maxLen, offsets[r + 1]! - offsets[r]!);
    const pow = new Int32Array(maxLen + 1);
    pow[0] = 1;
    for (let m = 1; m <= maxLen; m++) pow[m] = Math.imul(pow[m - 1]!, HASH_P);
    let capacity = 16;
    while (capacity < n * 2) capacity *= 2;
    const mask = capacity - 1;
    const slots = new Int32Array(capacity).fill(-1);
    const hashes = new Int32Array(n);
    const byteToId = new Int32Array(256).fill(-1);
    const find = (h: number, from: number, len: number): number => {
      for (let i = mix(h, len) & mask; ; i = (i + 1) & mask) {
        const r = slots[i]!;
        if (r < 0) return -1;
        if (hashes[r] !== h || offsets[r + 1]! - offsets[r]! !== len) continue;
        const o = offsets[r]!;
        let k = 0;
        while (k < len && flat[o + k] === flat[from + k]) k++;
        if (k === len) return r;
      }
    };
    for (let r = 0; r < n; r++) {
      const o = offsets[r]!;
      const len = offsets[r + 1]! - o;
      if (!ranks[r]) continue;
      let h = 0;
      for (let k = 0; k < len; k++) h = (Math.imul(h, HASH_P) + flat[o + k]!) | 0;
      hashes[r] = h;
      if (find(h, o, len) >= 0) continue; // a duplicate token keeps its first rank
      let i = mix(h, len) & mask;
      while (slots[i]! >= 0) i = (i + 1) & mask;
      slots[i] = r;
      if (len === 1) byteToId[flat[o]!] = r;
    }
    const merged = new Int32Array(n);
    for (let r = 0; r < n; r++) merged[r] = r;
    const table = new PairTable(total, merged);
    const prefix = new Int32Array(maxLen + 1);
    for (let r = 0; r < n; r++) {
      const o = offsets[r]!;
      const len = offsets[r + 1]! - o;
      if (len < 2 || !ranks[r]) continue;
      prefix[0] = 0;
      for (let k = 0; k < len; k++) prefix[k + 1] = (Math.imul(prefix[k]!, HASH_P) + flat[o + k]!) | 0;
      const whole = prefix[len]!;
      for (let k = 1; k < len; k++) {
        const a = find(prefix[k]!, o, k);
        if (a < 0) continue;
        const b = find((whole - Math.imul(prefix[k]!, pow[len - k]!)) | 0, o + k, len - k);
        if (b >= 0) table.set(a, b, r);
      }
    }
    return new ByteLevelBPE({ byteToId, table, tokenBytes: ranks.slice(), ignoreMerges: true });
  }

  /** The piece -> id map of whole tokens (built on first use). */
  private wholeTokens(): Map<string, number> {
    if (this.whole) return this.whole;
    const whole = new Map<string, number>();
    for (let id = 0; id < this.tokenBytes.length; id++) {
      const bytes = this.tokenBytes[id];
      if (!bytes || bytes.length === 0) continue;
      const text = decodeUtf8Strict(bytes);
      if (text !== null && !whole.has(text)) whole.set(text, id);
    }
    this.whole = whole;
    return whole;
  }

  /**
   * Appends the ids of one piece (a regex match) to `out`.
   */
  encodePiece(piece: string, out: number[]): void {
    // The cache comes first: it is small and hot. Whole-token hits are copied into it.
    const hit = this.cache.get(piece);
    if (hit !== undefined) {
      if (typeof hit === 'number') out.push(hit);
      else for (let i = 0; i < hit.length; i++) out.push(hit[i]!);
      return;
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    if (this.ignoreMerges) {
      const id = (this.whole ?? this.wholeTokens()).get(piece);
      if (id !== undefined) {
        this.cache.set(piece, id);
        out.push(id);
        return;
      }
    }
    const n = this.mergePiece(piece, false);
    const syms = this.syms;
    if (n === 1) {
      this.cache.set(piece, syms[0]!);
      out.push(syms[0]!);
    } else {
      const ids = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        ids[i] = syms[i]!;
        out.push(syms[i]!);
      }
      this.cache.set(piece, ids);
    }
  }

  /**
   * Tokenizes one piece and reports each token's span in UTF-8 bytes of the piece: appends ids to
   * `ids` and the byte length of each token to `byteLens`. No cache (offsets are the slow path).
   */
  encodePieceWithSizes(piece: string, ids: number[], byteLens: number[]): void {
    if (this.ignoreMerges) {
      const id = (this.whole ?? this.wholeTokens()).get(piece);
      if (id !== undefined) {
        ids.push(id);
        byteLens.push(this.tokenBytes[id]!.length);
        return;
      }
    }
    const n = this.mergePiece(piece, true);
    for (let i = 0; i < n; i++) {
      ids.push(this.syms[i]!);
      byteLens.push(this.sizes[i]!);
    }
  }

  /** UTF-8 encode, map bytes to ids, merge; the result is in `this.syms[0..n)`. */
  private mergePiece(piece: string, withSizes: boolean): number {
    const need = piece.length * 3;
    if (this.buf.length < need) {
      this.buf = new Uint8Array(need * 2);
      this.syms = new Int32Array(need * 2);
      this.sizes = new Int32Array(need * 2);
    }
    const len = encodeUtf8Into(piece, 0, piece.length, this.buf);
    const buf = this.buf;
    const syms = this.syms;
    const sizes = this.sizes;
    const byteToId = this.byteToId;
    let n = 0;
    for (let i = 0; i < len; i++) {
      const id = byteToId[buf[i]!]!;
      if (id >= 0) {
        syms[n] = id;
        sizes[n] = 1;
        n++;
      } else {
        throw missingByte(buf[i]!, piece);
      }
    }
    return mergeWord(syms, n, this.table, withSizes ? sizes : null);
  }

  /** The bytes of a sequence of ids (undefined entries for ids without bytes). */
  bytesOf(id: number): Uint8Array | undefined {
    return this.tokenBytes[id];
  }
}

/** Multiplier of the polynomial byte hash of `fromRanks`. */
const HASH_P = 0x01000193;

/** Spreads a polynomial hash over the low bits (murmur3's finalizer), mixed with the length. */
function mix(h: number, len: number): number {
  h ^= len * 0x9e3779b1;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The error for a byte no token spells alone (a rank file without all 256 single-byte tokens). */
function missingByte(byte: number, piece: string): TokenizerInputError {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  return new TokenizerInputError({
    operation: 'encode',
    expected: 'a token for every byte of the text (byte-level BPE spells any text from 256 byte tokens)',
    found: `byte 0x${hex} of ${JSON.stringify(piece.length > 40 ? `${piece.slice(0, 37)}...` : piece)}, which no token spells alone`,
    hint: 'the rank file lacks single-byte tokens (truncated or filtered?); use the complete file, or keep such text out',
  });
}
