/**
 * The HF BPE model: a vocabulary (token -> id) and an ordered list of merges, applied to one
 * pre-tokenized piece at a time. It follows HF tokenizers' `models/bpe` exactly:
 *
 *  1. Split the piece into characters; the first keeps its text, the others get
 *     `continuing_subword_prefix` (`"##"`), the last gets `end_of_word_suffix` (`"</w>"`).
 *  2. Each character is looked up in the vocabulary. Missing ones become `<0xAB>` byte tokens when
 *     `byte_fallback` is on (Llama 2, Mistral), else `unk_token` (several in a row fuse into one
 *     when `fuse_unk`); with none of these HF drops them silently, we raise a TokenizerInputError.
 *  3. Merge: repeatedly merge the adjacent pair with the lowest merge rank (`encodeWithRanks` of
 *     `reference.ts`, run by `merge.ts`); with `dropout`, each candidate merge is skipped with that
 *     probability (seeded here, so a run is reproducible).
 *
 * `ignore_merges` (Llama 3): a piece that is itself in the vocabulary is one token, no merging.
 *
 * Worked example (Llama 2, byte_fallback): "▁日x" where "日" is not in the vocabulary:
 *
 *     ▁ | <0xE6> <0x97> <0xA5> | x    -> merges -> ▁ <0xE6> <0x97> <0xA5> x
 */
import { TokenizerFormatError, TokenizerInputError } from '../../errors.js';
import type { Model, ModelToken } from '../../pipeline/types.js';
import { BYTE_TO_CHAR, byteLevelTokenToBytes } from '../../pre-tokenizers/byte-level.js';
import { seededRandom } from '../seeded-random.js';
import { encodeUtf8Into } from '../utf8.js';
import { checkVocabIds } from '../vocab-ids.js';
import { ByteLevelBPE } from './byte-level.js';
import { mergeWord } from './merge.js';
import { PairTable } from './pair-table.js';
import { type BPEOptions, bpeOptionsFromJSON, bpeToJSON } from './serialization.js';

export type { BPEOptions } from './serialization.js';

const HEX = '0123456789ABCDEF';
const byteTokenNames: string[] = Array.from({ length: 256 }, (_, b) => `<0x${HEX[b >> 4]}${HEX[b & 15]}>`);

/** Cache entries beyond this count clear the cache. */
const CACHE_LIMIT = 100_000;

/**
 * The BPE model of HF tokenizers.
 *
 * @example
 * ```ts
 * import { BPE } from '@llmforge/tokenizer';
 * const bpe = new BPE({ vocab: { h: 0, e: 1, l: 2, o: 3, he: 4, ll: 5, hell: 6 },
 *                       merges: [['h', 'e'], ['l', 'l'], ['he', 'll']] });
 * bpe.tokenize('hello').map((t) => t.value); // ['hell', 'o']
 * ```
 */
export class BPE implements Model {
  readonly type = 'BPE';
  readonly unkToken: string | null;
  readonly continuingSubwordPrefix: string | null;
  readonly endOfWordSuffix: string | null;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly ignoreMerges: boolean;
  readonly dropout: number | null;
  private readonly vocab: Map<string, number>;
  private readonly vocabR: (string | undefined)[] = [];
  /** Pair of ids -> rank; `table.merged[rank]` is the merged id. */
  readonly table: PairTable;
  private readonly mergeLeft: Int32Array;
  private readonly mergeRight: Int32Array;
  private readonly random: () => number;
  private cache = new Map<string, number[]>();
  private fast: ByteLevelBPE | null | undefined;

  constructor(options: BPEOptions) {
    this.vocab =
      options.vocab instanceof Map ? new Map(options.vocab) : new Map(Object.entries(options.vocab));
    checkVocabIds(this.vocab, 'BPE', 'model.vocab');
    for (const [token, id] of this.vocab) this.vocabR[id] = token;
    this.unkToken = options.unkToken ?? null;
    this.continuingSubwordPrefix = options.continuingSubwordPrefix || null;
    this.endOfWordSuffix = options.endOfWordSuffix || null;
    this.fuseUnk = options.fuseUnk ?? false;
    this.byteFallback = options.byteFallback ?? false;
    this.ignoreMerges = options.ignoreMerges ?? false;
    this.dropout = options.dropout ?? null;
    if (this.dropout !== null && !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new TokenizerInputError({
        operation: 'BPE',
        where: 'dropout',
        expected: 'a probability in [0, 1] or null',
        found: String(this.dropout),
        hint: 'dropout is the chance to skip each merge while training (e.g. 0.1); null or 0 turns it off',
      });
    }
    this.random = seededRandom(options.seed ?? 0);
    const merges = options.merges;
    const merged = new Int32Array(merges.length);
    this.mergeLeft = new Int32Array(merges.length);
    this.mergeRight = new Int32Array(merges.length);
    this.table = new PairTable(merges.length, merged);
    const prefixLen = this.continuingSubwordPrefix?.length ?? 0;
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b] = merges[rank]!;
      const aId = this.vocab.get(a);
      const bId = this.vocab.get(b);
      // HF: the merged token is a + b without b's continuing-subword prefix.
      const newToken = a + b.slice(prefixLen);
      const newId = this.vocab.get(newToken);
      if (aId === undefined || bId === undefined || newId === undefined) {
        const missing = aId === undefined ? a : bId === undefined ? b : newToken;
        throw new TokenizerFormatError({
          operation: 'BPE',
          where: `model.merges[${rank}]`,
          expected: 'a merge whose two parts and result are in the vocabulary',
          found: `${JSON.stringify([a, b])}, ${JSON.stringify(missing)} is not in the vocabulary`,
          hint: 'the vocab and merges come from different tokenizers, or the file was edited by hand',
        });
      }
      merged[rank] = newId;
      this.mergeLeft[rank] = aId;
      this.mergeRight[rank] = bId;
      this.table.set(aId, bId, rank); // a later duplicate replaces an earlier one, as in HF
    }
  }

  /**
   * Reads the `model` object of a tokenizer.json (`type: "BPE"`). Merges may be `"a b"` strings
   * (older files) or `["a", "b"]` pairs (newer ones).
   *
   * @example
   * ```ts
   * import { BPE } from '@llmforge/tokenizer';
   * const bpe = BPE.fromJSON({ type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] });
   * bpe.tokenize('ab')[0]?.value; // 'ab'
   * ```
   */
  static fromJSON(obj: unknown, where = 'model'): BPE {
    return new BPE(bpeOptionsFromJSON(obj, where));
  }

  /** The tokenizer.json `model` object (vocab in id order, merges as pairs in rank order). */
  toJSON(): Record<string, unknown> {
    const merges: [string, string][] = [];
    for (let rank = 0; rank < this.mergeLeft.length; rank++) {
      const a = this.mergeLeft[rank]!;
      const b = this.mergeRight[rank]!;
      if (this.table.rank(a, b) !== rank) continue; // an overridden duplicate
      merges.push([this.vocabR[a]!, this.vocabR[b]!]);
    }
    return bpeToJSON({
      vocab: this.vocab,
      merges,
      unkToken: this.unkToken,
      continuingSubwordPrefix: this.continuingSubwordPrefix,
      endOfWordSuffix: this.endOfWordSuffix,
      fuseUnk: this.fuseUnk,
      byteFallback: this.byteFallback,
      ignoreMerges: this.ignoreMerges,
      dropout: this.dropout,
    });
  }

  get vocabSize(): number {
    return this.vocab.size;
  }

  /** Number of merges. */
  get mergeCount(): number {
    return this.mergeLeft.length;
  }

  /** The merges in rank order as token strings. */
  getMerges(): [string, string][] {
    const out: [string, string][] = [];
    for (let rank = 0; rank < this.mergeLeft.length; rank++) {
      out.push([this.vocabR[this.mergeLeft[rank]!]!, this.vocabR[this.mergeRight[rank]!]!]);
    }
    return out;
  }

  getVocab(): Map<string, number> {
    return new Map(this.vocab);
  }

  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.vocabR[id];
  }

  /**
   * The byte-level fast path for this model, or null when the model is not a plain byte-level BPE
   * (it needs all 256 byte characters in the vocabulary, no prefix/suffix, no dropout).
   */
  byteLevel(): ByteLevelBPE | null {
    if (this.fast !== undefined) return this.fast;
    this.fast = null;
    if (this.continuingSubwordPrefix || this.endOfWordSuffix || this.dropout) return null;
    const byteToId = new Int32Array(256);
    for (let b = 0; b < 256; b++) {
      const id = this.vocab.get(BYTE_TO_CHAR[b]!);
      if (id === undefined) return null;
      byteToId[b] = id;
    }
    const tokenBytes: (Uint8Array | undefined)[] = new Array(this.vocabR.length);
    for (let id = 0; id < this.vocabR.length; id++) {
      const token = this.vocabR[id];
      tokenBytes[id] = token === undefined ? undefined : (byteLevelTokenToBytes(token) ?? undefined);
    }
    this.fast = new ByteLevelBPE({
      byteToId,
      table: this.table,
      tokenBytes,
      ignoreMerges: this.ignoreMerges,
    });
    return this.fast;
  }

  /** Tokenize one piece with spans (UTF-16 units of `text`). */
  tokenize(text: string): ModelToken[] {
    if (text.length === 0) return [];
    const useDropout = this.dropout !== null && this.dropout > 0;
    if (this.ignoreMerges && !useDropout) {
      const id = this.vocab.get(text);
      if (id !== undefined) return [{ id, value: text, start: 0, end: text.length }];
    }
    const word = this.wordOf(text, true);
    const n = mergeWord(word.syms, word.n, this.table, word.sizes, useDropout ? this.dropoutFn() : undefined);
    // Byte offsets -> UTF-16 offsets: a token starting or ending inside a character gets the
    // whole character (HF's byte-to-char conversion).
    const unitOfByte = word.unitOfByte;
    const tokens: ModelToken[] = new Array(n);
    let byte = 0;
    for (let i = 0; i < n; i++) {
      const size = word.sizes[i]!;
      const id = word.syms[i]!;
      const start = unitStart(unitOfByte, byte, text);
      const end = size === 0 ? start : unitEnd(unitOfByte, byte + size - 1, text);
      tokens[i] = { id, value: this.vocabR[id]!, start, end };
      byte += size;
    }
    return tokens;
  }

  /** Tokenize one piece to ids only, appended to `out` (cached). */
  encodeString(text: string, out: number[]): void {
    if (text.length === 0) return;
    const useDropout = this.dropout !== null && this.dropout > 0;
    if (!useDropout) {
      if (this.ignoreMerges) {
        const id = this.vocab.get(text);
        if (id !== undefined) {
          out.push(id);
          return;
        }
      }
      const hit = this.cache.get(text);
      if (hit) {
        for (let i = 0; i < hit.length; i++) out.push(hit[i]!);
        return;
      }
    }
    const word = this.wordOf(text, false);
    const n = mergeWord(word.syms, word.n, this.table, null, useDropout ? this.dropoutFn() : undefined);
    const ids = Array.from(word.syms.subarray(0, n));
    if (!useDropout) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, ids);
    }
    for (const id of ids) out.push(id);
  }

  /**
   * A character with no token, no byte tokens and no unk_token. HF tokenizers drops it silently
   * (the ids then decode to different text); we refuse.
   */
  private unrepresentable(ch: string): TokenizerInputError {
    const cp = ch.codePointAt(0)!;
    return new TokenizerInputError({
      operation: 'BPE.tokenize',
      expected: 'a token for every character (or an unk_token, or byte_fallback with <0x..> tokens)',
      found: `${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')}), which is not in the vocabulary`,
      hint: 'this model has no unk_token: HF tokenizers would drop the character silently; set model.unk_token in the tokenizer.json, or keep such characters out of the text',
    });
  }

  private dropoutFn(): () => boolean {
    const p = this.dropout ?? 0;
    return () => this.random() < p;
  }

  /**
   * Step 1 and 2 of the file comment: the initial symbols of `text` and each one's size in UTF-8
   * bytes of the original characters (prefix and suffix not counted), as HF's `merge_word`.
   */
  private wordOf(
    text: string,
    withSpans: boolean,
  ): { syms: Int32Array; sizes: Int32Array; n: number; unitOfByte: Int32Array } {
    const syms = new Int32Array(text.length * 4 + 4);
    const sizes = new Int32Array(text.length * 4 + 4);
    let n = 0;
    let unkId = -1;
    let unkLen = 0;
    const buf = new Uint8Array(8);
    const prefix = this.continuingSubwordPrefix;
    const suffix = this.endOfWordSuffix;
    // unitOfByte[b] = UTF-16 index of the character that byte b belongs to (offsets only).
    const unitOfByte = new Int32Array(withSpans ? text.length * 3 + 1 : 0);
    let byteCount = 0;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      const units = cp > 0xffff ? 2 : 1;
      const ch = text.slice(i, i + units);
      const byteLen = encodeUtf8Into(ch, 0, units, buf);
      if (withSpans) for (let k = 0; k < byteLen; k++) unitOfByte[byteCount + k] = i;
      byteCount += byteLen;
      const isFirst = i === 0;
      const isLast = i + units >= text.length;
      let s = ch;
      if (!isFirst && prefix) s = prefix + s;
      if (isLast && suffix) s = s + suffix;
      i += units;
      const id = this.vocab.get(s);
      if (id !== undefined) {
        if (unkId >= 0) {
          syms[n] = unkId;
          sizes[n++] = unkLen;
          unkId = -1;
        }
        syms[n] = id;
        sizes[n++] = byteLen;
        continue;
      }
      if (this.byteFallback) {
        const bytes = new TextEncoder().encode(s);
        const ids: number[] = [];
        for (const b of bytes) {
          const bid = this.vocab.get(byteTokenNames[b]!);
          if (bid === undefined) break;
          ids.push(bid);
        }
        if (ids.length === bytes.length) {
          // HF adds each byte token with length 1 and does not flush a pending unk first.
          for (const bid of ids) {
            syms[n] = bid;
            sizes[n++] = 1;
          }
          continue;
        }
      }
      if (this.unkToken === null) throw this.unrepresentable(ch);
      const uid = this.vocab.get(this.unkToken);
      if (uid === undefined) {
        throw new TokenizerInputError({
          operation: 'BPE.tokenize',
          expected: `the unk_token ${JSON.stringify(this.unkToken)} in the vocabulary`,
          found: 'it is missing',
          hint: 'add the unk token to the vocabulary or set unk_token to null',
        });
      }
      if (unkId >= 0 && this.fuseUnk) {
        unkLen += byteLen;
      } else {
        if (unkId >= 0) {
          syms[n] = unkId;
          sizes[n++] = unkLen;
        }
        unkId = uid;
        unkLen = byteLen;
      }
    }
    if (unkId >= 0) {
      syms[n] = unkId;
      sizes[n++] = unkLen;
    }
    if (withSpans) unitOfByte[byteCount] = text.length;
    return { syms, sizes, n, unitOfByte };
  }
}

function unitStart(unitOfByte: Int32Array, byte: number, text: string): number {
  return byte < unitOfByte.length ? unitOfByte[byte]! : text.length;
}

function unitEnd(unitOfByte: Int32Array, lastByte: number, text: string): number {
  const start = unitOfByte[lastByte] ?? text.length;
  if (start >= text.length) return text.length;
  const c = text.charCodeAt(start);
  return start + (c >= 0xd800 && c <= 0xdbff && start + 1 < text.length ? 2 : 1);
}
