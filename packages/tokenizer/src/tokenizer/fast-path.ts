/**
 * The fast encoder for byte-level BPE tokenizers: one global regex pass over the text, each match
 * (piece) handed to {@link ByteLevelBPE} (cache, whole-token lookup, merge loop). It replaces the
 * general pipeline (normalizer, pre-tokenizers that build byte-mapped strings, model) when the
 * tokenizer is a plain byte-level BPE, and gives the same ids and offsets.
 *
 *     "Hello world!"  --regex-->  "Hello" " world" "!"  --BPE-->  [9906, 1917, 0]
 *
 * Offsets: a token covers some UTF-8 bytes of its piece; its span is from the start of the
 * character holding its first byte to the end of the character holding its last byte, so the three
 * byte tokens of "日" all get the span of "日" (as HF reports them).
 */

import type { ByteLevelBPE } from '../models/bpe/byte-level.js';
import { BPE } from '../models/bpe/model.js';
import { compileHFPattern } from '../normalizers/hf-pattern.js';
import { findKnownPattern, GPT2_PATTERN } from '../pipeline/patterns.js';
import type { EncodedToken, TokenizerParts } from '../pipeline/types.js';
import { PieceSplitter } from '../pre-tokenizers/ascii-scan.js';

/** How text between regex matches is treated. */
export type GapMode = 'keep' | 'drop';

/** See the file comment. */
export class FastByteLevelEncoder {
  readonly bpe: ByteLevelBPE;
  readonly regex: RegExp;
  readonly gaps: GapMode;
  private readonly idToValue: (id: number) => string;
  /** The piece splitter of a known pattern (see `ascii-scan.ts`); undefined for other patterns. */
  private readonly splitter: PieceSplitter | undefined;

  /**
   * `splitter`: the known pattern's splitter, used by `encode` (it must split exactly as `regex`,
   * which covers every character then); without it `encode` runs the regex.
   */
  constructor(
    bpe: ByteLevelBPE,
    regex: RegExp,
    gaps: GapMode,
    idToValue: (id: number) => string,
    splitter?: PieceSplitter,
  ) {
    this.bpe = bpe;
    this.regex = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
    this.gaps = gaps;
    this.idToValue = idToValue;
    this.splitter = splitter;
  }

  /** Appends the ids of `text` to `out`. */
  encode(text: string, out: number[]): void {
    const bpe = this.bpe;
    const splitter = this.splitter;
    if (splitter === undefined) {
      this.eachPiece(text, (piece) => bpe.encodePiece(piece, out));
      return;
    }
    // The pattern matches every character, so pieces tile the text: no regex pass, no match arrays.
    const len = text.length;
    const ascii = bpe.byteToId;
    for (let i = 0; i < len; ) {
      const end = splitter.end(text, i, len);
      if (end === i + 1) {
        // A one-character ASCII piece is its byte's token: no string, no lookup.
        const c = text.charCodeAt(i);
        const id = c < 128 ? ascii[c]! : -1;
        if (id >= 0) {
          out.push(id);
          i = end;
          continue;
        }
      }
      bpe.encodePiece(text.slice(i, end), out);
      i = end;
    }
  }

  /** Appends the tokens of `text` with spans offset by `base` to `out`. */
  encodeWithOffsets(text: string, base: number, out: EncodedToken[]): void {
    this.eachPiece(text, (piece, start) => this.pieceWithOffsets(piece, base + start, out));
  }

  /** Calls `fn` on each regex match of `text` and, when gaps are kept, on each stretch between them. */
  private eachPiece(text: string, fn: (piece: string, start: number) => void): void {
    const re = this.regex;
    const keep = this.gaps === 'keep';
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const s = m.index;
      const piece = m[0];
      if (piece.length === 0) {
        re.lastIndex++;
        continue;
      }
      if (s > last && keep) fn(text.slice(last, s), last);
      fn(piece, s);
      last = s + piece.length;
    }
    if (last < text.length && keep) fn(text.slice(last), last);
  }

  private pieceWithOffsets(piece: string, base: number, out: EncodedToken[]): void {
    const ids: number[] = [];
    const lens: number[] = [];
    this.bpe.encodePieceWithSizes(piece, ids, lens);
    // Walk the piece's characters alongside the tokens' byte lengths.
    let unit = 0; // start unit of the current character
    let byteInChar = 0; // bytes of the current character already consumed
    for (let t = 0; t < ids.length; t++) {
      const start = unit;
      let remaining = lens[t]!;
      let end = unit;
      while (remaining > 0 && unit < piece.length) {
        const c = piece.charCodeAt(unit);
        const pair =
          c >= 0xd800 && c <= 0xdbff && unit + 1 < piece.length && isLow(piece.charCodeAt(unit + 1));
        const units = pair ? 2 : 1;
        const bytes = pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        const take = Math.min(remaining, bytes - byteInChar);
        remaining -= take;
        byteInChar += take;
        end = unit + units;
        if (byteInChar === bytes) {
          unit += units;
          byteInChar = 0;
        }
      }
      const id = ids[t]!;
      out.push({
        id,
        value: this.idToValue(id),
        start: base + start,
        end: base + end,
        typeId: 0,
        special: false,
      });
    }
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The fast path of a tokenizer: the encoder, and whether decode may go through token bytes. */
export interface FastPath {
  encoder: FastByteLevelEncoder;
  /** Decode through token bytes (the decoder is ByteLevel, or the file is tiktoken). */
  decodeBytes: boolean;
}

/**
 * The fast path applies when the model is a byte-level BPE, there is no normalizer, and the
 * pre-tokenizer is `ByteLevel` (no prefix space, GPT-2 regex) or a `Split` regex followed by a
 * regex-free `ByteLevel`.
 */
export function detectFastPath(parts: TokenizerParts): FastPath | null {
  if (!(parts.model instanceof BPE) || parts.normalizer !== null || parts.preTokenizer === null) return null;
  const pre = parts.preTokenizer.toJSON() as Record<string, unknown>;
  let regex: RegExp | null = null;
  let gaps: 'keep' | 'drop' = 'keep';
  let splitter: PieceSplitter | undefined;
  const isPlainByteLevel = (o: Record<string, unknown>, useRegex: boolean) =>
    o.type === 'ByteLevel' && o.add_prefix_space === false && (o.use_regex ?? true) === useRegex;
  if (isPlainByteLevel(pre, true)) {
    regex = new RegExp(GPT2_PATTERN.js, 'gu');
    splitter = PieceSplitter.of(GPT2_PATTERN);
  } else if (pre.type === 'Sequence' && Array.isArray(pre.pretokenizers) && pre.pretokenizers.length === 2) {
    const [split, bl] = pre.pretokenizers as Record<string, unknown>[];
    if (!split || !bl || split.type !== 'Split' || !isPlainByteLevel(bl, false)) return null;
    const behavior = split.behavior;
    if (behavior === 'Isolated' && split.invert === false) gaps = 'keep';
    else if (behavior === 'Removed' && split.invert === true) gaps = 'drop';
    else return null;
    const pattern = split.pattern as Record<string, unknown> | undefined;
    const src = typeof pattern?.Regex === 'string' ? pattern.Regex : null;
    if (src === null) return null;
    const known = findKnownPattern(src);
    if (known) {
      regex = new RegExp(known.js, 'gu');
      splitter = PieceSplitter.of(known);
    } else regex = compileHFPattern({ Regex: src }, 'pre_tokenizer.pretokenizers[0].pattern');
  } else return null;
  const bpe = parts.model.byteLevel();
  if (!bpe) return null;
  const model = parts.model;
  const encoder = new FastByteLevelEncoder(bpe, regex, gaps, (id) => model.idToToken(id) ?? '', splitter);
  return { encoder, decodeBytes: parts.decoder?.type === 'ByteLevel' };
}
