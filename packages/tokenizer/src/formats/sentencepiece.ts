/**
 * SentencePiece `.model` files: a protobuf `ModelProto` read with a small wire-format reader, turned
 * into the same parts HF's converter builds, so a `.model` encodes exactly as `spm.encode` does.
 *
 * Protobuf wire format in one paragraph: a message is a list of (key, value); key = varint of
 * `field << 3 | wire type`; wire type 0 = varint, 1 = 8 bytes, 2 = varint length + bytes (strings,
 * bytes, sub-messages), 5 = 4 bytes (float). Varints are little-endian base-128 with the high bit
 * as "more follows": `96 01` = 0x16 + (0x01 << 7) = 150. Unknown fields are skipped.
 *
 * The fields used here (sentencepiece_model.proto):
 *
 *   ModelProto      1 pieces (repeated SentencePiece)   2 trainer_spec   3 normalizer_spec
 *   SentencePiece   1 piece (string)   2 score (float)   3 type (1 NORMAL 2 UNKNOWN 3 CONTROL
 *                   4 USER_DEFINED 5 UNUSED 6 BYTE)
 *   TrainerSpec     3 model_type (1 UNIGRAM 2 BPE 3 WORD 4 CHAR)  4 vocab_size  22 split_by_whitespace
 *                   24 treat_whitespace_as_suffix  35 byte_fallback  40 unk_id  41 bos_id  42 eos_id
 *                   43 pad_id
 *   NormalizerSpec  1 name  2 precompiled_charsmap (bytes)  3 add_dummy_prefix  4 remove_extra_whitespaces
 *                   5 escape_whitespaces
 *
 * The pipeline built from it, for the default spec ("  Hello   world " -> ▁Hello ▁world):
 *
 *   normalizer  Precompiled(charsmap) -> Replace(" {2,}" -> " ") -> Replace("\A +| +\z" -> "")
 *               -> Replace(" " -> "▁") -> Prepend("▁")      (SentencePiece's remove_extra_whitespaces,
 *                                                            escape_whitespaces, add_dummy_prefix)
 *   pre-tok.    Metaspace(prepend never, split)             (pieces never cross a "▁")
 *   model       Unigram(pieces, unk, byte_fallback) or BPE(vocab, merges from scores, byte_fallback)
 *   decoder     Replace("▁" -> " ") -> ByteFallback -> Fuse -> Strip(" ", 1, 0)
 */
import {
  ByteFallbackDecoder,
  DecoderSequence,
  FuseDecoder,
  ReplaceDecoder,
  StripDecoder,
} from '../decoders/index.js';
import { TokenizerFormatError } from '../errors.js';
import { BPE } from '../models/bpe/model.js';
import { Unigram } from '../models/unigram/model.js';
import { Precompiled } from '../normalizers/precompiled.js';
import { Prepend } from '../normalizers/prepend.js';
import { Replace } from '../normalizers/replace.js';
import { NormalizerSequence } from '../normalizers/sequence.js';
import type { AddedTokenConfig, Decoder, Model, Normalizer, TokenizerParts } from '../pipeline/types.js';
import { Metaspace } from '../pre-tokenizers/metaspace.js';

/** SentencePiece piece types. */
export const PIECE_TYPES = {
  1: 'NORMAL',
  2: 'UNKNOWN',
  3: 'CONTROL',
  4: 'USER_DEFINED',
  5: 'UNUSED',
  6: 'BYTE',
} as const;
/** SentencePiece model types. */
export const MODEL_TYPES_SP = { 1: 'UNIGRAM', 2: 'BPE', 3: 'WORD', 4: 'CHAR' } as const;

/** One vocabulary entry of a `.model`. */
export interface SentencePieceEntry {
  piece: string;
  score: number;
  type: (typeof PIECE_TYPES)[keyof typeof PIECE_TYPES];
}

/** The parts of ModelProto this library uses, with SentencePiece's defaults filled in. */
export interface SentencePieceModelProto {
  pieces: SentencePieceEntry[];
  trainerSpec: {
    modelType: 'UNIGRAM' | 'BPE' | 'WORD' | 'CHAR';
    vocabSize: number;
    byteFallback: boolean;
    splitByWhitespace: boolean;
    treatWhitespaceAsSuffix: boolean;
    unkId: number;
    bosId: number;
    eosId: number;
    padId: number;
  };
  normalizerSpec: {
    name: string;
    precompiledCharsmap: Uint8Array;
    addDummyPrefix: boolean;
    removeExtraWhitespaces: boolean;
    escapeWhitespaces: boolean;
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A protobuf wire-format cursor over one message. */
class ProtoReader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string | undefined,
    readonly path: string,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  fail(expected: string, found: string): never {
    throw new TokenizerFormatError({
      operation: 'readSentencePieceModel',
      ...(this.file ? { file: this.file } : {}),
      where: `${this.path} at byte ${this.pos}`,
      expected,
      found,
      hint: 'the .model file is truncated or not a SentencePiece model; re-download or re-train it',
    });
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a JS number (exact up to 2^53; int32 negatives come as 10-byte varints). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('the rest of a varint', 'the end of the data');
      const b = this.bytes[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    return this.fail('a varint of at most 10 bytes', 'a longer one');
  }

  int32(): number {
    const v = this.varint();
    return v >= 2 ** 63 ? v - 2 ** 64 : v >= 2 ** 31 && v < 2 ** 32 ? v - 2 ** 32 : v;
  }

  float(): number {
    if (this.pos + 4 > this.end) this.fail('4 bytes of a float', `${this.end - this.pos} bytes`);
    const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  /** The [start, end) of a length-delimited value. */
  lengthDelimited(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end)
      this.fail(`${len} bytes of a length-delimited field`, `${this.end - start} bytes left`);
    this.pos = start + len;
    return [start, start + len];
  }

  string(): string {
    const [s, e] = this.lengthDelimited();
    try {
      return utf8.decode(this.bytes.subarray(s, e));
    } catch {
      return this.fail('a UTF-8 string', 'invalid UTF-8');
    }
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.lengthDelimited();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        this.fail('a wire type of 0, 1, 2 or 5', String(wireType));
    }
    if (this.pos > this.end) this.fail('a complete fixed-size field', 'the end of the data');
  }

  /** Calls `onField(field, wireType)` for each field; the callback must consume the value or return false to skip it. */
  fields(onField: (field: number, wireType: number) => boolean): void {
    while (!this.done()) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wt = key & 7;
      if (field === 0) this.fail('a field number > 0', '0');
      if (!onField(field, wt)) this.skip(wt);
    }
  }

  sub(path: string): ProtoReader {
    const [s, e] = this.lengthDelimited();
    return new ProtoReader(this.bytes, this.file, path, s, e);
  }
}

/**
 * Reads the ModelProto of a SentencePiece `.model` file.
 *
 * @example
 * ```ts
 * const proto = readSentencePieceModel(readFileSync('sp.model'), { file: 'sp.model' });
 * proto.trainerSpec.modelType // 'UNIGRAM'
 * ```
 */
export function readSentencePieceModel(
  bytes: Uint8Array,
  options: { file?: string } = {},
): SentencePieceModelProto {
  const r = new ProtoReader(bytes, options.file, 'ModelProto');
  const proto: SentencePieceModelProto = {
    pieces: [],
    trainerSpec: {
      modelType: 'UNIGRAM',
      vocabSize: 8000,
      byteFallback: false,
      splitByWhitespace: true,
      treatWhitespaceAsSuffix: false,
      unkId: 0,
      bosId: 1,
      eosId: 2,
      padId: -1,
    },
    normalizerSpec: {
      name: '',
      precompiledCharsmap: new Uint8Array(0),
      addDummyPrefix: true,
      removeExtraWhitespaces: true,
      escapeWhitespaces: true,
    },
  };
  let sawTrainer = false;
  r.fields((field, wt) => {
    if (field === 1 && wt === 2) {
      const p = r.sub(`ModelProto.pieces[${proto.pieces.length}]`);
      const entry: SentencePieceEntry = { piece: '', score: 0, type: 'NORMAL' };
      let hasPiece = false;
      p.fields((f, w) => {
        if (f === 1 && w === 2) {
          entry.piece = p.string();
          hasPiece = true;
        } else if (f === 2 && w === 5) entry.score = p.float();
        else if (f === 3 && w === 0) {
          const t = p.varint();
          const name = PIECE_TYPES[t as keyof typeof PIECE_TYPES];
          if (!name) p.fail('a piece type 1-6', String(t));
          entry.type = name;
        } else return false;
        return true;
      });
      if (!hasPiece) p.fail('a piece string (field 1)', 'none');
      proto.pieces.push(entry);
      return true;
    }
    if (field === 2 && wt === 2) {
      sawTrainer = true;
      const t = r.sub('ModelProto.trainer_spec');
      const ts = proto.trainerSpec;
      t.fields((f, w) => {
        if (w !== 0) return false;
        switch (f) {
          case 3: {
            const m = t.varint();
            const name = MODEL_TYPES_SP[m as keyof typeof MODEL_TYPES_SP];
            if (!name) t.fail('a model type 1-4 (UNIGRAM, BPE, WORD, CHAR)', String(m));
            ts.modelType = name;
            return true;
          }
          case 4:
            ts.vocabSize = t.int32();
            return true;
          case 22:
            ts.splitByWhitespace = t.varint() !== 0;
            return true;
          case 24:
            ts.treatWhitespaceAsSuffix = t.varint() !== 0;
            return true;
          case 35:
            ts.byteFallback = t.varint() !== 0;
            return true;
          case 40:
            ts.unkId = t.int32();
            return true;
          case 41:
            ts.bosId = t.int32();
            return true;
          case 42:
            ts.eosId = t.int32();
            return true;
          case 43:
            ts.padId = t.int32();
            return true;
          default:
            return false;
        }
      });
      return true;
    }
    if (field === 3 && wt === 2) {
      const n = r.sub('ModelProto.normalizer_spec');
      const ns = proto.normalizerSpec;
      n.fields((f, w) => {
        if (f === 1 && w === 2) ns.name = n.string();
        else if (f === 2 && w === 2) {
          const [s, e] = n.lengthDelimited();
          ns.precompiledCharsmap = bytes.slice(s, e);
        } else if (f === 3 && w === 0) ns.addDummyPrefix = n.varint() !== 0;
        else if (f === 4 && w === 0) ns.removeExtraWhitespaces = n.varint() !== 0;
        else if (f === 5 && w === 0) ns.escapeWhitespaces = n.varint() !== 0;
        else return false;
        return true;
      });
      return true;
    }
    return false;
  });
  if (proto.pieces.length === 0 || !sawTrainer)
    r.fail(
      'a ModelProto with pieces (field 1) and a trainer_spec (field 2)',
      `${proto.pieces.length} pieces${sawTrainer ? '' : ', no trainer_spec'}`,
    );
  return proto;
}

/**
 * BPE merges derived from piece scores, as HF's converter does: every split of a piece into two
 * pieces of the vocabulary is a merge; merges are ordered by the merged piece's score (best first),
 * then by the ids of the two halves.
 *
 *   pieces ▁t (-1)  he (-2)  ▁the (-3)  ▁th (-4) ...  ->  merges of ▁the: (▁t, he), (▁th, e) ...
 */
export function mergesFromScores(
  pieces: readonly SentencePieceEntry[],
  mergeable: (p: SentencePieceEntry) => boolean = () => true,
): [string, string][] {
  const ids = new Map<string, number>();
  pieces.forEach((p, i) => {
    if (mergeable(p) && !ids.has(p.piece)) ids.set(p.piece, i);
  });
  const order = pieces
    .map((_, i) => i)
    .filter((i) => mergeable(pieces[i]!))
    .sort((a, b) => pieces[b]!.score - pieces[a]!.score || a - b);
  const merges: [string, string][] = [];
  for (const i of order) {
    const piece = pieces[i]!.piece;
    const local: [string, string, number, number][] = [];
    const chars = Array.from(piece);
    let offset = 0;
    for (let k = 1; k < chars.length; k++) {
      offset += chars[k - 1]!.length;
      const l = piece.slice(0, offset);
      const r = piece.slice(offset);
      const li = ids.get(l);
      const ri = ids.get(r);
      if (li !== undefined && ri !== undefined) local.push([l, r, li, ri]);
    }
    local.sort((a, b) => a[2] - b[2] || a[3] - b[3]);
    for (const [l, r] of local) merges.push([l, r]);
  }
  return merges;
}

/**
 * Turns a ModelProto into tokenizer parts (normalizer, Metaspace, Unigram or BPE, decoders).
 *
 * @example
 * ```ts
 * const parts = sentencePieceToParts(readSentencePieceModel(bytes));
 * ```
 */
export function sentencePieceToParts(
  proto: SentencePieceModelProto,
  options: { file?: string } = {},
): TokenizerParts {
  const { pieces, trainerSpec: ts, normalizerSpec: ns } = proto;
  const unsupported = (where: string, found: string, hint: string): never => {
    throw new TokenizerFormatError({
      operation: 'readSentencePieceModel',
      ...(options.file ? { file: options.file } : {}),
      where,
      expected: 'a Unigram or BPE model with whitespace as prefix',
      found,
      hint,
    });
  };
  if (ts.modelType === 'WORD' || ts.modelType === 'CHAR')
    unsupported(
      'trainer_spec.model_type',
      ts.modelType,
      'WORD and CHAR SentencePiece models are not supported',
    );
  if (ts.treatWhitespaceAsSuffix)
    unsupported(
      'trainer_spec.treat_whitespace_as_suffix',
      'true',
      'suffix whitespace models are not supported',
    );

  let unkId: number | null = pieces.findIndex((p) => p.type === 'UNKNOWN');
  if (unkId < 0) unkId = ts.unkId >= 0 && ts.unkId < pieces.length ? ts.unkId : null;

  // Normalizer: charsmap, then SentencePiece's whitespace handling.
  const normalizers: Normalizer[] = [];
  if (ns.precompiledCharsmap.length > 0)
    normalizers.push(new Precompiled(ns.precompiledCharsmap, 'sentencepiece'));
  if (ns.removeExtraWhitespaces) {
    normalizers.push(new Replace({ Regex: ' {2,}' }, ' '));
    normalizers.push(new Replace({ Regex: '\\A +| +\\z' }, ''));
  }
  if (ns.escapeWhitespaces) normalizers.push(new Replace({ String: ' ' }, '▁'));
  if (ns.addDummyPrefix) normalizers.push(new Prepend(ns.escapeWhitespaces ? '▁' : ' '));
  const normalizer =
    normalizers.length === 0
      ? null
      : normalizers.length === 1
        ? normalizers[0]!
        : new NormalizerSequence(normalizers);

  let model: Model;
  if (ts.modelType === 'UNIGRAM') {
    const unmatchable: number[] = [];
    pieces.forEach((p, i) => {
      if (p.type === 'CONTROL' || p.type === 'UNKNOWN' || p.type === 'BYTE' || p.type === 'UNUSED')
        unmatchable.push(i);
    });
    model = new Unigram(
      pieces.map((p) => [p.piece, p.score]),
      { unkId, byteFallback: ts.byteFallback, unmatchable },
    );
  } else {
    const vocab = new Map<string, number>();
    pieces.forEach((p, i) => {
      if (!vocab.has(p.piece)) vocab.set(p.piece, i);
    });
    model = new BPE({
      vocab,
      merges: mergesFromScores(pieces, (p) => p.type === 'NORMAL' || p.type === 'USER_DEFINED'),
      unkToken: unkId === null ? null : pieces[unkId]!.piece,
      fuseUnk: true,
      byteFallback: ts.byteFallback,
    });
  }

  const decoders: Decoder[] = [];
  if (ns.escapeWhitespaces) decoders.push(new ReplaceDecoder({ String: '▁' }, ' '));
  if (ts.byteFallback) decoders.push(new ByteFallbackDecoder());
  decoders.push(new FuseDecoder());
  if (ns.addDummyPrefix) decoders.push(new StripDecoder(' ', 1, 0));

  const addedTokens: AddedTokenConfig[] = [];
  pieces.forEach((p, id) => {
    if (p.type === 'CONTROL' || p.type === 'UNKNOWN' || p.type === 'USER_DEFINED')
      addedTokens.push({
        id,
        content: p.piece,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: p.type !== 'USER_DEFINED',
      });
  });

  return {
    normalizer,
    preTokenizer: new Metaspace('▁', 'never', ts.splitByWhitespace),
    model,
    postProcessor: null,
    decoder: new DecoderSequence(decoders),
    addedTokens,
    truncation: null,
    padding: null,
  };
}

/**
 * Reads a SentencePiece `.model` file's bytes into tokenizer parts.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * const parts = parseSentencePieceModel(readFileSync('sp.model'), { file: 'sp.model' });
 * parts.model.type // 'Unigram' or 'BPE'
 * ```
 */
export function parseSentencePieceModel(bytes: Uint8Array, options: { file?: string } = {}): TokenizerParts {
  return sentencePieceToParts(readSentencePieceModel(bytes, options), options);
}
