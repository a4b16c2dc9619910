// SentencePiece .model reader: fields against the .vocab files spm_train wrote next to the models,
// hand-built protobufs for the edge cases, and truncated/corrupt files that must name what was expected.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TokenizerFormatError } from '../src/errors.js';
import {
  mergesFromScores,
  parseSentencePieceModel,
  readSentencePieceModel,
  type SentencePieceEntry,
} from '../src/formats/sentencepiece.js';
import { Tokenizer } from '../src/tokenizer/tokenizer.js';

const fixture = (name: string): URL => new URL(`../../../fixtures/${name}`, import.meta.url);
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(fixture(name)));

// ── a tiny protobuf writer, to build models by hand ──────────────────────────────────────────────
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n < 0 ? 2 ** 64 + n : n; // int32 negatives are 10-byte varints
  do {
    const b = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? b | 0x80 : b);
  } while (v > 0);
  return out;
}
const key = (field: number, wire: number): number[] => varint(field * 8 + wire);
const bytesField = (field: number, data: number[]): number[] => [
  ...key(field, 2),
  ...varint(data.length),
  ...data,
];
const strField = (field: number, s: string): number[] => bytesField(field, [...new TextEncoder().encode(s)]);
const varField = (field: number, v: number): number[] => [...key(field, 0), ...varint(v)];
function floatField(field: number, f: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, f, true);
  return [...key(field, 5), ...b];
}
function piece(p: string, score: number, type?: number): number[] {
  return bytesField(1, [...strField(1, p), ...floatField(2, score), ...(type ? varField(3, type) : [])]);
}
function model(opts: {
  type?: number;
  pieces: number[][];
  normalizer?: number[];
  trainer?: number[];
}): Uint8Array {
  return Uint8Array.from([
    ...opts.pieces.flat(),
    ...bytesField(2, [...varField(3, opts.type ?? 1), ...(opts.trainer ?? [])]),
    ...bytesField(3, opts.normalizer ?? []),
  ]);
}

describe('reading .model files', () => {
  for (const name of ['sp-unigram', 'sp-bpe']) {
    it(`${name}: pieces and scores equal the .vocab file spm_train wrote`, () => {
      const proto = readSentencePieceModel(load(`${name}.model`), { file: `${name}.model` });
      const vocab = readFileSync(fixture(`${name}.vocab`), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => l.split('\t'));
      expect(proto.pieces.length).toBe(vocab.length);
      proto.pieces.forEach((p, i) => {
        expect(p.piece).toBe(vocab[i]![0]);
        // .vocab prints the float score rounded; Unigram scores are real-valued log probabilities.
        expect(p.score).toBeCloseTo(Number(vocab[i]![1]), 4);
      });
      expect(proto.trainerSpec.modelType).toBe(name === 'sp-bpe' ? 'BPE' : 'UNIGRAM');
      expect(proto.trainerSpec.vocabSize).toBe(1500);
      expect(proto.trainerSpec.byteFallback).toBe(true);
      expect(proto.trainerSpec.padId).toBe(-1);
      expect(proto.normalizerSpec.name).toBe('nmt_nfkc');
      expect(proto.normalizerSpec.precompiledCharsmap.length).toBeGreaterThan(1000);
      expect(proto.pieces.filter((p) => p.type === 'BYTE').length).toBe(256);
      expect(proto.pieces.slice(0, 3).map((p) => p.type)).toEqual(['UNKNOWN', 'CONTROL', 'CONTROL']);
    });
  }

  it('builds the SentencePiece pipeline: control pieces are special added tokens, decoding drops the dummy prefix', () => {
    const parts = parseSentencePieceModel(load('sp-unigram.model'));
    expect(parts.model.type).toBe('Unigram');
    expect(parts.addedTokens.map((t) => [t.content, t.special])).toEqual([
      ['<unk>', true],
      ['<s>', true],
      ['</s>', true],
    ]);
    const tok = new Tokenizer(parts);
    expect(tok.decode(tok.encode('  Hello   world  '))).toBe('Hello world');
    expect(tok.encode('   ')).toEqual([]);
  });
});

describe('hand-built models', () => {
  const pieces = [
    piece('<unk>', 0, 2),
    piece('<s>', 0, 3),
    piece('▁', -1),
    piece('a', -2),
    piece('b', -2.5),
    piece('▁ab', -1.5),
    piece('ab', -3),
  ];

  it('a Unigram model without charsmap, dummy prefix or whitespace removal', () => {
    const bytes = model({
      pieces,
      normalizer: [...varField(3, 0), ...varField(4, 0)],
    });
    const parts = parseSentencePieceModel(bytes);
    const tok = new Tokenizer(parts);
    // no dummy prefix: "ab" is not "▁ab"; double spaces stay two "▁"
    expect(tok.encode('ab').map((id) => tok.idToToken(id))).toEqual(['ab']);
    expect(tok.encode('a  ab').map((id) => tok.idToToken(id))).toEqual(['a', '▁', '▁ab']);
    expect(tok.encode('c')).toEqual([0]);
  });

  it('a BPE model derives merges from scores (best piece first)', () => {
    const parts = parseSentencePieceModel(model({ type: 2, pieces }));
    expect(parts.model.type).toBe('BPE');
    const tok = new Tokenizer(parts);
    expect(tok.encode(' ab  b').map((id) => tok.idToToken(id))).toEqual(['▁ab', '▁', 'b']);
  });

  it('mergesFromScores orders merges by the merged piece score, then by the ids of the halves', () => {
    const entries: SentencePieceEntry[] = [
      { piece: 'a', score: 0, type: 'NORMAL' },
      { piece: 'b', score: 0, type: 'NORMAL' },
      { piece: 'ab', score: -1, type: 'NORMAL' },
      { piece: 'abb', score: -3, type: 'NORMAL' },
      { piece: 'bb', score: -2, type: 'NORMAL' },
      { piece: 'abab', score: -0.5, type: 'NORMAL' },
    ];
    expect(mergesFromScores(entries)).toEqual([
      ['ab', 'ab'],
      ['a', 'b'],
      ['b', 'b'],
      ['a', 'bb'],
      ['ab', 'b'],
    ]);
  });

  it('WORD and CHAR models, and suffix whitespace, are refused with the field named', () => {
    expect(() => parseSentencePieceModel(model({ type: 3, pieces }), { file: 'w.model' })).toThrow(
      /readSentencePieceModel: w\.model: trainer_spec\.model_type: .*found WORD/,
    );
    expect(() => parseSentencePieceModel(model({ pieces, trainer: varField(24, 1) }))).toThrow(
      /treat_whitespace_as_suffix/,
    );
  });
});

describe('truncated and corrupt .model files', () => {
  const good = load('sp-unigram.model');

  it('every truncation point fails with a TokenizerFormatError naming the file', () => {
    let checked = 0;
    for (const cut of [0, 1, 2, 5, 17, 100, 1000, 5000, 20_000, good.length - 100_000, good.length - 1]) {
      let error: unknown;
      try {
        parseSentencePieceModel(good.subarray(0, cut), { file: 'cut.model' });
      } catch (e) {
        error = e;
      }
      expect(TokenizerFormatError.isInstance(error), `cut at ${cut}`).toBe(true);
      const e = error as TokenizerFormatError;
      expect(e.file).toBe('cut.model');
      expect(e.message).toMatch(/^readSentencePieceModel: cut\.model: .*expected .*found .*; hint: /);
      checked++;
    }
    expect(checked).toBe(11);
  });

  it('garbage and wrong wire types are rejected with the position', () => {
    expect(() => readSentencePieceModel(Uint8Array.from([0x0f, 1, 2, 3]), { file: 'x.model' })).toThrow(
      /x\.model: ModelProto at byte \d+: expected a wire type of 0, 1, 2 or 5, found 7/,
    );
    expect(() => readSentencePieceModel(new TextEncoder().encode('{"version": "1.0"}'))).toThrow(
      TokenizerFormatError,
    );
    expect(() => readSentencePieceModel(Uint8Array.from([...piece('a', 0, 9)]))).toThrow(
      /pieces\[0\].*expected a piece type 1-6, found 9/,
    );
    expect(() => readSentencePieceModel(new Uint8Array(0))).toThrow(/expected a ModelProto with pieces/);
  });
});
