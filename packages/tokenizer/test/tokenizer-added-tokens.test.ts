import { readFileSync } from 'node:fs';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { parseTokenizerJSON } from '../src/formats/tokenizer-json.js';
import { AddedVocabulary, Tokenizer, TokenizerInputError } from '../src/index.js';
import { loadTokenizer, saveTokenizer } from '../src/node.js';

// Added tokens with every HF flag (lstrip, rstrip, single_word, normalized, special) on top of the
// byte-level fixture, checked against the Rust HF library; then decode, decodeStream, batches.
const base = JSON.parse(
  readFileSync(new URL('../../../fixtures/hf-bytelevel-bpe.tokenizer.json', import.meta.url), 'utf8'),
);
const vocabSize = Object.keys(base.model.vocab).length;

function withAdded(tokens: Record<string, unknown>[], normalizer: unknown = null) {
  return {
    ...base,
    normalizer,
    added_tokens: [
      ...base.added_tokens,
      ...tokens.map((t, i) => ({
        id: vocabSize + i,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: false,
        ...t,
      })),
    ],
  };
}

const texts = [
  'hello <mask> world',
  'hello<mask>world',
  'a  <mask>  b',
  '<mask><mask> <mask>',
  'the cat sat',
  'concatenate cat',
  'CAT Cat cat',
  ' <|endoftext|>x<|endoftext|> ',
  '<|end|> and <|endoftext|>',
  '',
];

async function expectSameAsHF(json: Record<string, unknown>): Promise<void> {
  const ref = HFTokenizer.fromString(JSON.stringify(json));
  const fast = Tokenizer.fromJSON(json);
  const general = new Tokenizer(parseTokenizerJSON(json), { fastPath: false });
  for (const [text, tok] of texts.flatMap(
    (t) =>
      [
        [t, fast],
        [t, general],
      ] as const,
  )) {
    const want = await ref.encode(text, null, { addSpecialTokens: false });
    const got = tok.encodeWithOffsets(text);
    expect(got.ids, text).toEqual(want.getIds());
    expect(got.tokens, text).toEqual(want.getTokens());
    expect(got.offsets, text).toEqual(want.getOffsets());
    expect(tok.encode(text), text).toEqual(want.getIds());
  }
}

describe('added tokens vs HF tokenizers', () => {
  it('plain added tokens, leftmost-longest', async () => {
    await expectSameAsHF(withAdded([{ content: '<mask>' }, { content: '<|end|>', special: true }]));
  });
  it('lstrip and rstrip swallow neighbouring whitespace', async () => {
    await expectSameAsHF(withAdded([{ content: '<mask>', lstrip: true, rstrip: true, special: true }]));
    await expectSameAsHF(withAdded([{ content: '<mask>', lstrip: true }]));
    await expectSameAsHF(withAdded([{ content: '<mask>', rstrip: true }]));
  });
  it('single_word only matches outside words', async () => {
    await expectSameAsHF(withAdded([{ content: 'cat', single_word: true }]));
  });
  it('normalized tokens match after the normalizer', async () => {
    await expectSameAsHF(withAdded([{ content: 'cat', normalized: true }], { type: 'Lowercase' }));
    await expectSameAsHF(withAdded([{ content: 'cat', normalized: true }, { content: '<mask>' }]));
  });
});

describe('special tokens, decode and streams', () => {
  const tok = Tokenizer.fromJSON(withAdded([{ content: '<mask>', special: true }]));
  const mask = vocabSize;

  it('allowedSpecial: HF default is all; none or a list treat the others as text', () => {
    expect(tok.encode('a<mask>')).toContain(mask);
    expect(tok.encode('a<mask>', { allowedSpecial: 'none' })).not.toContain(mask);
    expect(tok.encode('a<mask><|endoftext|>', { allowedSpecial: ['<|endoftext|>'] })).toEqual([
      ...tok.encode('a<mask>', { allowedSpecial: 'none' }),
      0,
    ]);
    expect(() => tok.encode('a<mask>', { allowedSpecial: 'none', disallowedSpecial: 'all' })).toThrow(
      TokenizerInputError,
    );
  });

  it('decode skips special tokens on request and rejects bad ids', () => {
    const ids = tok.encode('hi <mask> there');
    expect(tok.decode(ids)).toBe('hi <mask> there');
    expect(tok.decode(ids, { skipSpecialTokens: true })).toBe('hi  there');
    expect(() => tok.decode([1, 99999])).toThrow(
      /decode: ids\[1\]: expected a token id in \[0, \d+\), found 99999/,
    );
    expect(() => tok.decode([1.5])).toThrow(TokenizerInputError);
    expect(tok.decode([40, 99999, 40], { onInvalid: 'replace' })).toBe('H\uFFFDH');
  });

  it('decodeStream hands out text only when its UTF-8 is complete', () => {
    const text = 'emoji 🙂👍🏽 日本語 done';
    const ids = tok.encode(text);
    const stream = tok.decodeStream();
    const outs = ids.map((id) => stream.push(id));
    expect(outs.join('') + stream.flush()).toBe(text);
    expect(outs.some((o) => o === '')).toBe(true); // the emoji bytes arrive in several tokens
    for (const o of outs) expect(o.includes('\uFFFD')).toBe(false);
    const s2 = tok.decodeStream();
    s2.push(ids[6]!); // half of an emoji
    expect(s2.flush()).toContain('\uFFFD');
  });

  it('encodeBatch is encode per text; vocabSize counts added tokens', () => {
    expect(tok.encodeBatch(['a', 'b c'])).toEqual([tok.encode('a'), tok.encode('b c')]);
    expect(tok.vocabSize).toBe(vocabSize + 1);
    expect(tok.tokenToId('<mask>')).toBe(mask);
    expect(tok.idToToken(mask)).toBe('<mask>');
    expect(tok.specialTokens).toEqual({ '<|endoftext|>': 0, '<mask>': mask });
  });

  it('AddedVocabulary.split reports spans', () => {
    const av = new AddedVocabulary([
      {
        id: 0,
        content: '<s>',
        single_word: false,
        lstrip: true,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 1,
        content: '</s>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ]);
    expect(
      av.split('hi  <s>yo</s>', false, () => true).map((s) => [s.start, s.end, s.token?.id ?? null]),
    ).toEqual([
      [0, 2, null],
      [2, 7, 0],
      [7, 9, null],
      [9, 13, 1],
    ]);
  });

  it('save writes a file that loads back (atomic: no temp file left)', async () => {
    const { mkdtemp, readdir } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'llmforge-tok-'));
    const path = join(dir, 'tokenizer.json');
    await saveTokenizer(tok, path);
    expect(await readdir(dir)).toEqual(['tokenizer.json']);
    const back = await loadTokenizer(path);
    expect(back.encode('hi <mask> there')).toEqual(tok.encode('hi <mask> there'));
    expect(back.toJSON()).toEqual(tok.toJSON());
  });
});
