import { readFileSync } from 'node:fs';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { BPE, Tokenizer, TokenizerFormatError, TokenizerInputError } from '../src/index.js';

// Every option of the BPE model checked against the Rust HF library on small hand-made
// tokenizer.json files (the reference), plus the properties HF cannot check (seeded dropout).

function tokenizerJSON(model: Record<string, unknown>, preTokenizer: unknown = { type: 'WhitespaceSplit' }) {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: null,
    decoder: null,
    model: {
      type: 'BPE',
      dropout: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      ...model,
    },
  };
}

async function expectSameAsHF(json: Record<string, unknown>, texts: string[]): Promise<void> {
  const ours = Tokenizer.fromJSON(json);
  const ref = HFTokenizer.fromString(JSON.stringify(json));
  for (const text of texts) {
    const want = await ref.encode(text, null, { addSpecialTokens: false });
    const got = ours.encodeWithOffsets(text);
    expect(got.ids, text).toEqual(want.getIds());
    expect(got.tokens, text).toEqual(want.getTokens());
    expect(ours.encode(text), text).toEqual(want.getIds());
    // Offsets: HF counts code points; these texts are all in the BMP.
    expect(got.offsets, text).toEqual(want.getOffsets());
  }
}

const prefixVocab = {
  '[UNK]': 0,
  h: 1,
  '##e': 2,
  '##l': 3,
  '##o</w>': 4,
  he: 5,
  hel: 6,
  '##lo</w>': 7,
  'hello</w>': 8,
  'h</w>': 9,
  '##e</w>': 10,
  '##x': 11,
};
const prefixMerges = [
  ['h', '##e'],
  ['he', '##l'],
  ['##l', '##o</w>'],
  ['hel', '##lo</w>'],
];

describe('BPE model vs HF tokenizers', () => {
  const texts = ['hello', 'hellx hello', 'h he hel', 'héllo', 'hééllo', 'zzz', 'hxé', '  hello  '];

  it('continuing_subword_prefix, end_of_word_suffix, unk_token', async () => {
    await expectSameAsHF(
      tokenizerJSON({
        vocab: prefixVocab,
        merges: prefixMerges,
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        end_of_word_suffix: '</w>',
      }),
      texts,
    );
  });

  it('fuse_unk', async () => {
    await expectSameAsHF(
      tokenizerJSON({
        vocab: prefixVocab,
        merges: prefixMerges,
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        end_of_word_suffix: '</w>',
        fuse_unk: true,
      }),
      texts,
    );
  });

  it('no unk_token: HF drops unknown characters silently, we raise naming the character', async () => {
    const json = tokenizerJSON({
      vocab: prefixVocab,
      merges: prefixMerges,
      unk_token: null,
      continuing_subword_prefix: '##',
      end_of_word_suffix: '</w>',
    });
    // Text the vocabulary covers: the same ids as HF.
    await expectSameAsHF(json, ['hello he h', 'h hello']);
    // "q" has no token: HF gives the ids of "hello" and "h", as if "q" were not there.
    const ref = HFTokenizer.fromString(JSON.stringify(json));
    expect((await ref.encode('hello q h', null, { addSpecialTokens: false })).getTokens()).toEqual([
      'hello</w>',
      'h</w>',
    ]);
    const ours = Tokenizer.fromJSON(json);
    for (const call of [() => ours.encode('hello q h'), () => ours.encodeWithOffsets('hello q h')]) {
      expect(call).toThrow(TokenizerInputError);
      expect(call).toThrow(/"q" \(U\+0071\), which is not in the vocabulary.*unk_token/);
    }
  });

  it('byte_fallback: <0xAB> tokens for characters outside the vocabulary', async () => {
    const vocab: Record<string, number> = { '<unk>': 0, '▁': 1, a: 2, b: 3, ab: 4, '▁ab': 5 };
    for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 6 + b;
    await expectSameAsHF(
      tokenizerJSON(
        {
          vocab,
          merges: [
            ['a', 'b'],
            ['▁', 'ab'],
          ],
          unk_token: '<unk>',
          byte_fallback: true,
          fuse_unk: true,
        },
        { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      ),
      ['ab', 'ab é ab', '日本 abab', 'x'],
    );
  });

  it('byte_fallback with some byte tokens missing falls back to unk', async () => {
    const vocab: Record<string, number> = { '<unk>': 0, a: 1, '<0xC3>': 2 };
    await expectSameAsHF(
      tokenizerJSON({ vocab, merges: [], unk_token: '<unk>', byte_fallback: true, fuse_unk: false }),
      ['aéa', 'éé a', 'a'],
    );
  });

  it('ignore_merges: a piece in the vocabulary is one token', async () => {
    const vocab = { a: 0, b: 1, c: 2, ab: 3, abc: 4, bc: 5 };
    const merges = [
      ['b', 'c'],
      ['a', 'b'],
    ];
    for (const ignore of [true, false]) {
      await expectSameAsHF(tokenizerJSON({ vocab, merges, ignore_merges: ignore }), ['abc', 'abcabc', 'cab']);
    }
    const bpe = new BPE({ vocab, merges: merges as [string, string][], ignoreMerges: true });
    expect(bpe.tokenize('abc').map((t) => t.value)).toEqual(['abc']);
    const plain = new BPE({ vocab, merges: merges as [string, string][] });
    expect(plain.tokenize('abc').map((t) => t.value)).toEqual(['a', 'bc']);
  });

  it('long words (heap merge loop) match HF', async () => {
    const json = JSON.parse(
      readFileSync(new URL('../../../fixtures/hf-bytelevel-bpe.tokenizer.json', import.meta.url), 'utf8'),
    );
    let seed = 3;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const letters = 'etaoinshrdlu';
    let long = '';
    for (let i = 0; i < 5000; i++) long += letters[Math.floor(rnd() * letters.length)];
    const ours = Tokenizer.fromJSON(json);
    const ref = HFTokenizer.fromString(JSON.stringify(json));
    for (const text of [long, 'a'.repeat(3000), 'ab'.repeat(2000), `${long} ${long.slice(7, 900)}`]) {
      const want = (await ref.encode(text, null, { addSpecialTokens: false })).getIds();
      expect(ours.encode(text)).toEqual(want);
      // The model itself reads byte-level characters: a space is "Ġ".
      expect(ours.model.tokenize(text.replaceAll(' ', 'Ġ')).length).toBeGreaterThan(0);
    }
    // The model itself (string path, heap loop) on one long piece, mapped to byte-level characters.
    const mapped = long; // ASCII letters map to themselves in the byte-level alphabet
    const want = (await ref.encode(long, null, { addSpecialTokens: false })).getIds();
    expect(ours.model.tokenize(mapped).map((t) => t.id)).toEqual(want);
    const out: number[] = [];
    ours.model.encodeString(mapped, out);
    expect(out).toEqual(want);
  });
});

describe('BPE model', () => {
  const vocab = { h: 0, e: 1, l: 2, o: 3, he: 4, ll: 5, hell: 6, hello: 7 };
  const merges: [string, string][] = [
    ['h', 'e'],
    ['l', 'l'],
    ['he', 'll'],
    ['hell', 'o'],
  ];

  it('merges by rank (the worked example of models/bpe/merge.ts)', () => {
    const bpe = new BPE({ vocab, merges: merges.slice(0, 3) });
    expect(bpe.tokenize('hello')).toEqual([
      { id: 6, value: 'hell', start: 0, end: 4 },
      { id: 3, value: 'o', start: 4, end: 5 },
    ]);
  });

  it('dropout is seeded, never loses text, 0 and 1 are the extremes', () => {
    const word = 'hellohellohello';
    const none = new BPE({ vocab, merges, dropout: 0 });
    expect(none.tokenize(word).map((t) => t.value)).toEqual(['hello', 'hello', 'hello']);
    const all = new BPE({ vocab, merges, dropout: 1 });
    expect(
      all
        .tokenize(word)
        .map((t) => t.value)
        .join('|'),
    ).toBe(word.split('').join('|'));
    const a = new BPE({ vocab, merges, dropout: 0.5, seed: 42 });
    const b = new BPE({ vocab, merges, dropout: 0.5, seed: 42 });
    const runsA = Array.from({ length: 20 }, () => a.tokenize(word).map((t) => t.value));
    const runsB = Array.from({ length: 20 }, () => b.tokenize(word).map((t) => t.value));
    expect(runsA).toEqual(runsB);
    for (const r of runsA) expect(r.join('')).toBe(word);
    // With dropout some runs differ from the deterministic result.
    expect(runsA.some((r) => r.length > 3)).toBe(true);
  });

  it('toJSON / fromJSON round trip; string and pair merges read the same', () => {
    const bpe = new BPE({ vocab, merges, unkToken: 'h', fuseUnk: true, ignoreMerges: true });
    const json = bpe.toJSON();
    expect(json.merges).toEqual(merges);
    const back = BPE.fromJSON(json);
    expect(back.toJSON()).toEqual(json);
    const fromStrings = BPE.fromJSON({ ...json, merges: merges.map((m) => m.join(' ')) });
    expect(fromStrings.toJSON()).toEqual(json);
    expect(back.vocabSize).toBe(8);
    expect(back.tokenToId('hell')).toBe(6);
    expect(back.idToToken(7)).toBe('hello');
  });

  it('malformed model objects name the field', () => {
    expect(() => BPE.fromJSON({ type: 'BPE', vocab: { a: 0 }, merges: ['a b c'] })).toThrow(
      TokenizerFormatError,
    );
    expect(() => BPE.fromJSON({ type: 'BPE', vocab: { a: 0 }, merges: ['a b c'] })).toThrow(
      /model\.merges\[0\]/,
    );
    expect(() => BPE.fromJSON({ type: 'BPE', vocab: { a: 0, b: 1 }, merges: [['a', 'b']] })).toThrow(
      /model\.merges\[0\].*"ab" is not in the vocabulary/,
    );
    expect(() => BPE.fromJSON({ type: 'BPE', vocab: { a: -1 }, merges: [] })).toThrow(/model\.vocab\["a"\]/);
    expect(() => BPE.fromJSON({ type: 'BPE', vocab: [], merges: [] })).toThrow(/model\.vocab/);
    expect(() => BPE.fromJSON({ type: 'Unigram', vocab: {}, merges: [] })).toThrow(/model\.type/);
    expect(() => new BPE({ vocab, merges, dropout: 2 })).toThrow(/dropout/);
  });
});
