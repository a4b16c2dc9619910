// WordPiece: a BERT-style tokenizer.json built here (BertNormalizer + BertPreTokenizer + WordPiece +
// BertProcessing + WordPiece decoder) must give HF's ids, offsets and decoded text on varied text.

import { readFileSync } from 'node:fs';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { parseTokenizerJSON, tokenizerJSONFromParts } from '../src/formats/tokenizer-json.js';
import { WordPiece } from '../src/models/wordpiece/model.js';
import { Tokenizer } from '../src/tokenizer/tokenizer.js';
import { TRICKY } from './helpers-hf.js';

const HELDOUT = readFileSync(new URL('../../../fixtures/heldout.txt', import.meta.url), 'utf8');

/** A BERT-like vocabulary: specials, every character seen (plain and ##), frequent words and endings. */
function bertVocab(): Record<string, number> {
  const vocab: Record<string, number> = {};
  const add = (t: string): void => {
    vocab[t] ??= Object.keys(vocab).length;
  };
  for (const t of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']) add(t);
  const sample = HELDOUT.slice(0, 200_000).toLowerCase();
  for (const ch of new Set(sample))
    if (!/\s/.test(ch)) {
      add(ch);
      add(`##${ch}`);
    }
  const counts = new Map<string, number>();
  for (const w of sample.match(/\p{L}+/gu) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 1500)
    .forEach(([w]) => {
      add(w);
    });
  for (const s of ['ing', 'ed', 'ly', 'ness', 'tion', 's', 'er', 'est', 'ment']) add(`##${s}`);
  for (const w of ['中', '文', 'naive', 'cafe']) add(w);
  return vocab;
}

function bertJSON(vocab: Record<string, number>, lowercase: boolean): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/** HF's Node binding counts code points; ours counts UTF-16 units. */
function toUtf16(text: string, cp: number): number {
  let u = 0;
  for (let k = 0; k < cp; k++) u += (text.codePointAt(u) ?? 0) > 0xffff ? 2 : 1;
  return u;
}

const TEXTS = [
  ...TRICKY,
  ...HELDOUT.slice(200_000, 230_000)
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .slice(0, 150),
  'Unaffable naïve CAFÉ owners, don\'t they?  "Quoted"—dashes… and 中文字符 mixed.',
  `${'x'.repeat(120)} short`,
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
];

describe('WordPiece BERT tokenizer matches HF', () => {
  const vocab = bertVocab();
  for (const lowercase of [true, false]) {
    it(`ids, offsets and decoding (lowercase=${lowercase}) on ${TEXTS.length} texts`, async () => {
      const json = bertJSON(vocab, lowercase);
      const ours = Tokenizer.fromJSON(json);
      const hf = HFTokenizer.fromString(JSON.stringify(json));
      let unk = 0;
      let total = 0;
      for (const text of TEXTS) {
        const e = await hf.encode(text, null, { addSpecialTokens: true });
        const got = ours.encodeWithOffsets(text, { addSpecialTokens: true });
        expect(got.ids, JSON.stringify(text)).toEqual(e.getIds());
        expect(got.offsets, JSON.stringify(text)).toEqual(
          e.getOffsets().map(([s, t]) => [toUtf16(text, s!), toUtf16(text, t!)]),
        );
        expect(ours.decode(got.ids, { skipSpecialTokens: true }), JSON.stringify(text)).toBe(
          await hf.decode(e.getIds(), true),
        );
        unk += got.ids.filter((id) => id === 1).length;
        total += got.ids.length;
      }
      // The texts exercise both known words, ## continuations and unknowns.
      expect(unk).toBeGreaterThan(0);
      expect(unk / total).toBeLessThan(0.2);
    });
  }

  it('survives a tokenizer.json round trip, and HF loads our JSON with the same ids', async () => {
    const json = bertJSON(vocab, true);
    const again = tokenizerJSONFromParts(parseTokenizerJSON(json));
    const hf = HFTokenizer.fromString(JSON.stringify(again));
    const ours = Tokenizer.fromJSON(again);
    for (const text of TEXTS.slice(0, 40)) {
      expect(ours.encode(text, { addSpecialTokens: true })).toEqual(
        (await hf.encode(text, null, { addSpecialTokens: true })).getIds(),
      );
    }
  });
});

describe('WordPiece model', () => {
  const wp = new WordPiece({
    '[UNK]': 0,
    un: 1,
    '##aff': 2,
    '##able': 3,
    '##a': 4,
    a: 5,
    '😀': 6,
    '##😀': 7,
  });

  it('is greedy longest-match-first, and a word with an unmatched rest is one [UNK]', () => {
    expect(wp.tokenize('unaffable').map((t) => t.value)).toEqual(['un', '##aff', '##able']);
    expect(wp.tokenize('unaffable').map((t) => [t.start, t.end])).toEqual([
      [0, 2],
      [2, 5],
      [5, 9],
    ]);
    expect(wp.tokenize('unx').map((t) => [t.value, t.start, t.end])).toEqual([['[UNK]', 0, 3]]);
    expect(wp.tokenize('a😀😀').map((t) => t.value)).toEqual(['a', '##😀', '##😀']);
  });

  it('counts characters (not UTF-16 units) against max_input_chars_per_word', () => {
    const small = new WordPiece({ '[UNK]': 0, '😀': 1, '##😀': 2 }, { maxInputCharsPerWord: 3 });
    expect(small.tokenize('😀😀😀').map((t) => t.id)).toEqual([1, 2, 2]);
    expect(small.tokenize('😀😀😀😀').map((t) => t.id)).toEqual([0]);
  });

  it('names fields of a bad model and a missing unk token', () => {
    expect(() => WordPiece.fromJSON({ type: 'WordPiece', vocab: { a: -1 } })).toThrow(/model\.vocab\["a"\]/);
    expect(() => WordPiece.fromJSON({ type: 'WordPiece' })).toThrow(/model\.vocab: expected an object/);
    expect(() => new WordPiece({ a: 0 }).tokenize('b')).toThrow(/unknown token "\[UNK\]"/);
  });
});
