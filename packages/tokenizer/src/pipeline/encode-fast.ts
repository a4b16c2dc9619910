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
import { BPE } from '../models/bpe.js';
import type { ByteLevelBPE } from '../models/byte-level-bpe.js';
import { compileHFPattern } from '../normalizers/hf-pattern.js';
import { asciiEncodeLoop, type EncodeLoop } from './ascii-scan.js';
import { findKnownPattern, GPT2_PATTERN } from './patterns.js';
import type { EncodedToken, TokenizerParts } from './types.js';

/** How text between regex matches is treated. */
export type GapMode = 'keep' | 'drop';

/** See the file comment. */
export class FastByteLevelEncoder {
  readonly bpe: ByteLevelBPE;
  readonly regex: RegExp;
  readonly gaps: GapMode;
  /** True when the pattern matches every character (no gaps ever): the regex runs as one `match`. */
  readonly coversAll: boolean;
  private readonly idToValue: (id: number) => string;
  /** The encode loop of a known pattern (see `ascii-scan.ts`), with the sticky regex behind it. */
  private readonly loop: EncodeLoop | undefined;
  private readonly sticky: RegExp;

  constructor(
    bpe: ByteLevelBPE,
    regex: RegExp,
    gaps: GapMode,
    coversAll: boolean,
    idToValue: (id: number) => string,
    loop?: EncodeLoop,
  ) {
    this.bpe = bpe;
    this.regex = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
    this.sticky = new RegExp(regex.source, `${regex.flags.replace('g', '').replace('y', '')}y`);
    this.gaps = gaps;
    this.coversAll = coversAll;
    this.idToValue = idToValue;
    this.loop = coversAll ? loop : undefined;
  }

  /** Appends the ids of `text` to `out`. */
  encode(text: string, out: number[]): void {
    const bpe = this.bpe;
    if (this.loop) {
      // The pattern matches every character, so pieces tile the text: scan ASCII by hand, ask the
      // regex (sticky, at that position) only where a non-ASCII character decides.
      this.loop(text, this.sticky, bpe, out);
      return;
    }
    if (this.coversAll) {
      const pieces = text.match(this.regex);
      if (pieces === null) return;
      for (let i = 0; i < pieces.length; i++) bpe.encodePiece(pieces[i]!, out);
      return;
    }
    const re = this.regex;
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const s = m.index;
      const piece = m[0];
      if (piece.length === 0) {
        re.lastIndex++;
        continue;
      }
      if (s > last && this.gaps === 'keep') bpe.encodePiece(text.slice(last, s), out);
      bpe.encodePiece(piece, out);
      last = s + piece.length;
    }
    if (last < text.length && this.gaps === 'keep') bpe.encodePiece(text.slice(last), out);
  }

  /** Appends the tokens of `text` with spans offset by `base` to `out`. */
  encodeWithOffsets(text: string, base: number, out: EncodedToken[]): void {
    const re = this.regex;
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const s = m.index;
      const piece = m[0];
      if (piece.length === 0) {
        re.lastIndex++;
        continue;
      }
      if (s > last && this.gaps === 'keep') this.pieceWithOffsets(text.slice(last, s), base + last, out);
      this.pieceWithOffsets(piece, base + s, out);
      last = s + piece.length;
    }
    if (last < text.length && this.gaps === 'keep') this.pieceWithOffsets(text.slice(last), base + last, out);
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
  let coversAll = false;
  let scanner: EncodeLoop | undefined;
  const isPlainByteLevel = (o: Record<string, unknown>, useRegex: boolean) =>
    o.type === 'ByteLevel' && o.add_prefix_space === false && (o.use_regex ?? true) === useRegex;
  if (isPlainByteLevel(pre, true)) {
    regex = new RegExp(GPT2_PATTERN.js, 'gu');
    coversAll = true;
    scanner = asciiEncodeLoop(GPT2_PATTERN.name);
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
      coversAll = true;
      scanner = asciiEncodeLoop(known.name);
    } else regex = compileHFPattern({ Regex: src }, 'pre_tokenizer.pretokenizers[0].pattern');
  } else return null;
  const bpe = parts.model.byteLevel();
  if (!bpe) return null;
  const model = parts.model;
  const encoder = new FastByteLevelEncoder(
    bpe,
    regex,
    gaps,
    coversAll,
    (id) => model.idToToken(id) ?? '',
    scanner,
  );
  return { encoder, decodeBytes: parts.decoder?.type === 'ByteLevel' };
}
