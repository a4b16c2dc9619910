// Every normalizer against the Rust HF library (@anush008/tokenizers) on tricky strings: the same
// normalized text, and the same origin for every normalized character (read from HF through a
// per-character Split + WordLevel tokenizer, whose token offsets are those origins).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSentencePieceModel } from '../src/formats/sentencepiece.js';
import { normalizerFromJSON } from '../src/normalizers/index.js';
import { originSpan, pieceOf } from '../src/pipeline/piece-ops.js';
import { cpOffset, hfWith, TRICKY } from './helpers-hf.js';

const charsmap = Buffer.from(
  readSentencePieceModel(readFileSync(new URL('../../../fixtures/sp-unigram.model', import.meta.url)))
    .normalizerSpec.precompiledCharsmap,
).toString('base64');

const NORMALIZERS: Record<string, unknown>[] = [
  { type: 'NFC' },
  { type: 'NFD' },
  { type: 'NFKC' },
  { type: 'NFKD' },
  { type: 'Lowercase' },
  { type: 'Nmt' },
  { type: 'Sequence', normalizers: [{ type: 'Nmt' }, { type: 'NFKC' }] },
  {
    type: 'BertNormalizer',
    clean_text: false,
    handle_chinese_chars: true,
    strip_accents: false,
    lowercase: true,
  },
  { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] },
  { type: 'Strip', strip_left: true, strip_right: true },
  { type: 'Strip', strip_left: false, strip_right: true },
  { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
  { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
  { type: 'Replace', pattern: { Regex: ' {2,}' }, content: '' },
  { type: 'Replace', pattern: { String: 'é' }, content: 'EEE' },
  { type: 'Replace', pattern: { Regex: 'l*|\\s' }, content: '-' },
  { type: 'Prepend', prepend: '▁' },
  {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: null,
    lowercase: true,
  },
  {
    type: 'BertNormalizer',
    clean_text: true,
    handle_chinese_chars: true,
    strip_accents: false,
    lowercase: false,
  },
  {
    type: 'BertNormalizer',
    clean_text: false,
    handle_chinese_chars: false,
    strip_accents: true,
    lowercase: false,
  },
  { type: 'Precompiled', precompiled_charsmap: charsmap },
  {
    type: 'Sequence',
    normalizers: [
      { type: 'Precompiled', precompiled_charsmap: charsmap },
      { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      { type: 'Prepend', prepend: '▁' },
    ],
  },
];

describe('normalizers match HF tokenizers', () => {
  for (const json of NORMALIZERS) {
    const label = JSON.stringify(json).slice(0, 90);
    it(label, async () => {
      const ours = normalizerFromJSON(json, 'normalizer');
      const hf = hfWith({
        normalizer: json,
        pre_tokenizer: { type: 'Split', pattern: { Regex: '[\\s\\S]' }, behavior: 'Isolated', invert: false },
      });
      for (const text of TRICKY) {
        const expected = hf.getNormalizer()!.normalizeString(text);
        expect(ours.normalizeString(text), JSON.stringify(text)).toBe(expected);
        const piece = ours.normalize(pieceOf(text));
        expect(piece.text, JSON.stringify(text)).toBe(expected);
        const spans: number[][] = [];
        for (let i = 0; i < piece.text.length; ) {
          const n = piece.text.codePointAt(i)! > 0xffff ? 2 : 1;
          const [s, e] = originSpan(piece, i, i + n);
          spans.push([cpOffset(text, s), cpOffset(text, e)]);
          i += n;
        }
        const enc = await hf.encode(text);
        expect(spans, `origins of ${JSON.stringify(text)}`).toEqual(enc.getOffsets());
      }
    });
  }

  it('toJSON round-trips through the registry', () => {
    for (const json of NORMALIZERS) {
      const a = normalizerFromJSON(json);
      const b = normalizerFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      for (const text of TRICKY) expect(b.normalizeString(text)).toBe(a.normalizeString(text));
    }
  });

  it('SentencePiece mode takes the longest rule where HF reads grapheme by grapheme', async () => {
    // "\r\n" is one grapheme: HF replaces it with the rule for "\r" (one space); SentencePiece maps
    // "\r" and "\n" separately (two spaces), as the sp-unigram fixture's "tabs\tand\nnewlines\r\n\n" shows.
    const sp = normalizerFromJSON({ type: 'Precompiled', precompiled_charsmap: charsmap });
    expect(sp.normalizeString('a\r\nb')).toBe('a b');
    const { Precompiled } = await import('../src/normalizers/precompiled.js');
    const spm = new Precompiled(Buffer.from(charsmap, 'base64'), 'sentencepiece');
    expect(spm.normalizeString('a\r\nb')).toBe('a  b');
    expect(spm.normalizeString('ﬁ①')).toBe('fi1');
  });

  it('unknown types and missing fields name the field path', () => {
    expect(() =>
      normalizerFromJSON({ type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Nope' }] }),
    ).toThrow(/normalizer\.normalizers\[1\]\.type: expected one of .*found "Nope"/);
    expect(() => normalizerFromJSON({ type: 'Replace', content: 'x' })).toThrow(/normalizer\.pattern/);
    expect(() => normalizerFromJSON({ type: 'Prepend' })).toThrow(/normalizer\.prepend: expected a string/);
    expect(() => normalizerFromJSON({ type: 'Precompiled', precompiled_charsmap: 'AAAA' })).toThrow(
      /precompiled_charsmap/,
    );
  });
});
