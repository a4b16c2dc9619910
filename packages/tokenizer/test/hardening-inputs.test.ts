// Issue 10, tokenizer side: each reproduction of a crash, a silent wrong result or a raw error,
// now a typed error (or the right result). References: tiktoken's encodings (gpt-tokenizer's rank
// files), the Rust HF library for what it does with the same input.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  GPT2_PATTERN,
  O200K_PATTERN,
  parseTiktoken,
  Tokenizer,
  TokenizerError,
  TokenizerFormatError,
  TokenizerInputError,
  trainTokenizer,
} from '../src/index.js';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');
const r50k = readFileSync(join(dataDir, 'r50k_base.tiktoken'));

/** The typed error `fn` throws (fails the test when it throws something else or nothing). */
function typedError(fn: () => unknown): TokenizerError {
  try {
    fn();
  } catch (e) {
    if (TokenizerError.isInstance(e)) return e;
    throw new Error(`expected a TokenizerError, got ${String(e)}`);
  }
  throw new Error('expected a TokenizerError, nothing was thrown');
}

describe('item 1: .tiktoken ranks are bounded by the size of the file', () => {
  it('a huge rank is a TokenizerFormatError naming the line, not a V8 abort', () => {
    for (const rank of ['2000000000', '50000000', '9'.repeat(400)]) {
      const e = typedError(() => parseTiktoken(`IQ== 0\nIg== 1\nQUJD ${rank}\n`, 'huge.tiktoken'));
      expect(TokenizerFormatError.isInstance(e)).toBe(true);
      expect(e.file).toBe('huge.tiktoken');
      expect(e.where).toBe('line 3');
      expect(e.hint).toBeTruthy();
    }
  });

  it('real files and files with a few unused ranks still load', () => {
    expect(parseTiktoken(r50k).length).toBe(50256);
    expect(parseTiktoken('IQ== 0\nIg== 60000\n')[60000]).toEqual(Uint8Array.of(0x22));
  });
});

describe('item 5: named patterns and bytes a rank file cannot spell', () => {
  it("fromTiktoken({ pattern: 'gpt2' }) is GPT-2's split, not the literal regex \"gpt2\"", () => {
    const named = Tokenizer.fromTiktoken(r50k, { pattern: 'gpt2', specialTokens: {} });
    const standard = Tokenizer.fromTiktoken(r50k, { encoding: 'r50k_base' });
    const text = "Hello world, it's 2024! gpt2 gpt2";
    expect(named.encode(text)).toEqual(standard.encode(text));
    expect(named.decode(named.encode(text))).toBe(text);
    // Every name trainTokenizer knows resolves the same way.
    for (const name of ['cl100k', 'llama3', 'o200k']) {
      const tok = Tokenizer.fromTiktoken(r50k, { pattern: name });
      expect(tok.decode(tok.encode(text))).toBe(text);
    }
    expect(Tokenizer.fromTiktoken(r50k, { pattern: GPT2_PATTERN.hf }).encode(text)).toEqual(
      standard.encode(text),
    );
  });

  it('a custom pattern that does not compile is a TokenizerInputError naming options.pattern', () => {
    const e = typedError(() => Tokenizer.fromTiktoken(r50k, { pattern: '(\\p{L}+' }));
    expect(TokenizerInputError.isInstance(e)).toBe(true);
    expect(e.where).toBe('options.pattern');
  });

  it('a rank file without single-byte tokens raises instead of dropping characters', () => {
    // r50k without the rank of "é"'s bytes 0xC3 and 0xA9 as single tokens.
    const lines = r50k.toString('utf8').split('\n');
    const drop = new Set([Buffer.from([0xc3]).toString('base64'), Buffer.from([0xa9]).toString('base64')]);
    const holed = lines.filter((l) => !drop.has(l.split(' ')[0]!)).join('\n');
    const tok = Tokenizer.fromTiktoken(holed, { encoding: 'r50k_base' });
    expect(tok.decode(tok.encode('plain ascii'))).toBe('plain ascii');
    for (const call of [() => tok.encode('café'), () => tok.encodeWithOffsets('café')]) {
      const e = typedError(call);
      expect(TokenizerInputError.isInstance(e)).toBe(true);
      expect(e.found).toMatch(/byte 0x(C3|A9)/);
    }
  });

  it('BPE without unk_token: HF drops the character, we raise; Unigram and WordPiece raise as HF does', async () => {
    const base = { version: '1.0', added_tokens: [], normalizer: null, pre_tokenizer: null, decoder: null };
    const bpe = { ...base, model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] } };
    const hf = HFTokenizer.fromString(JSON.stringify({ ...bpe, post_processor: null }));
    expect((await hf.encode('abxab', null, { addSpecialTokens: false })).getIds()).toEqual([2, 2]); // "x" lost
    expect(() => Tokenizer.fromJSON(bpe).encode('abxab')).toThrow(/"x" \(U\+0078\)/);
    const unigram = {
      ...base,
      model: {
        type: 'Unigram',
        vocab: [
          ['a', -1],
          ['b', -2],
        ],
        unk_id: null,
      },
    };
    await expect(
      HFTokenizer.fromString(JSON.stringify({ ...unigram, post_processor: null })).encode('abx', null),
    ).rejects.toThrow(/unk_id/);
    expect(typedError(() => Tokenizer.fromJSON(unigram).encode('abx')).operation).toMatch(/Unigram/);
    const wordPiece = { ...base, model: { type: 'WordPiece', vocab: { a: 0 }, unk_token: '[UNK]' } };
    expect(typedError(() => Tokenizer.fromJSON(wordPiece).encode('x')).operation).toMatch(/WordPiece/);
  });
});

describe('item 7: every public method checks its arguments', () => {
  const tok = Tokenizer.fromTiktoken(r50k, { encoding: 'r50k_base' });

  it.each([
    ['encode(123)', () => tok.encode(123 as never), 'text'],
    ['encode(null)', () => tok.encode(null as never), 'text'],
    ["encodeBatch(['a', 5])", () => tok.encodeBatch(['a', 5] as never), 'texts[1]'],
    ["encodeBatch('ab')", () => tok.encodeBatch('ab' as never), 'texts'],
    ['encodeWithOffsets({})', () => tok.encodeWithOffsets({} as never), 'text'],
    ['encode options of the wrong type', () => tok.encode('a', 'all' as never), 'options'],
    [
      'addSpecialTokens: "yes"',
      () => tok.encode('a', { addSpecialTokens: 'yes' as never }),
      'options.addSpecialTokens',
    ],
    ['allowedSpecial: 5', () => tok.encode('a', { allowedSpecial: 5 as never }), 'options.allowedSpecial'],
    ['decode([1, 2.5])', () => tok.decode([1, 2.5]), 'ids[1]'],
    ['decode([NaN])', () => tok.decode([Number.NaN]), 'ids[0]'],
    ["decode(['5'])", () => tok.decode(['5'] as never), 'ids[0]'],
    ['decode(5)', () => tok.decode(5 as never), 'ids'],
    [
      "decode([1], { onInvalid: 'skip' })",
      () => tok.decode([1], { onInvalid: 'skip' as never }),
      'options.onInvalid',
    ],
    [
      'skipSpecialTokens: 1',
      () => tok.decode([1], { skipSpecialTokens: 1 as never }),
      'options.skipSpecialTokens',
    ],
    ['tokenToId(5)', () => tok.tokenToId(5 as never), 'token'],
    ["idToToken('a')", () => tok.idToToken('a' as never), 'id'],
    ["decodeStream().push('a')", () => tok.decodeStream().push('a' as never), 'id'],
    ['fromTiktoken(data, 5)', () => Tokenizer.fromTiktoken(r50k, 5 as never), 'options'],
    ['fromTiktoken(5)', () => Tokenizer.fromTiktoken(5 as never, { encoding: 'r50k_base' }), undefined],
    [
      "encoding: 'constructor'",
      () => Tokenizer.fromTiktoken(r50k, { encoding: 'constructor' as never }),
      'options.encoding',
    ],
    [
      'specialTokens with a string id',
      () => Tokenizer.fromTiktoken(r50k, { encoding: 'r50k_base', specialTokens: { x: '1' as never } }),
      'options.specialTokens["x"]',
    ],
    ['fromGPT2Files(vocabBpe: 5)', () => Tokenizer.fromGPT2Files('{"a":0}', 5 as never), undefined],
    ['fromJSON(options: 5)', () => Tokenizer.fromJSON({}, 5 as never), 'options'],
  ])('%s: a typed error with a hint', (_name, call, where) => {
    const e = typedError(call);
    expect(e.where).toBe(where);
    expect(e.hint, e.message).toBeTruthy();
  });

  it('negative and out-of-range ids are invalid ids (thrown, or U+FFFD when asked)', () => {
    expect(typedError(() => tok.decode([-1])).where).toBe('ids[0]');
    expect(tok.decode([15496, -1, 1e9], { onInvalid: 'replace' })).toBe('Hello\uFFFD\uFFFD');
    expect(tok.idToToken(-1)).toBeUndefined();
    expect(tok.decode(Int32Array.of(15496, 995) as never)).toBe('Hello world');
  });

  it.each([
    ['vocabSize: -5', { vocabSize: -5 }, 'options.vocabSize'],
    ['vocabSize: "1000"', { vocabSize: '1000' }, 'options.vocabSize'],
    ['minFrequency: 1.5', { minFrequency: 1.5 }, 'options.minFrequency'],
    ['specialTokens: "<s>"', { specialTokens: '<s>' }, 'options.specialTokens'],
    ['byteLevel: "no"', { byteLevel: 'no' }, 'options.byteLevel'],
    ['characterCoverage: 2', { characterCoverage: 2 }, 'options.characterCoverage'],
    ['onProgress: true', { onProgress: true }, 'options.onProgress'],
    ['pattern: "(a"', { pattern: '(a' }, 'options.pattern'],
    ['pattern: 5', { pattern: 5 }, 'options.pattern'],
    ['pattern: /(a+)+$/', { pattern: /(a+)+$/ }, 'options.pattern'],
  ])('trainTokenizer with %s: a TokenizerInputError with a hint', async (_name, bad, where) => {
    const error = await trainTokenizer({ model: 'bpe', vocabSize: 300, ...bad } as never, ['some text']).then(
      () => null,
      (e: unknown) => e,
    );
    expect(TokenizerInputError.isInstance(error), String(error)).toBe(true);
    expect((error as TokenizerInputError).where).toBe(where);
    expect((error as TokenizerInputError).hint).toBeTruthy();
  });

  it("trainTokenizer's pattern names resolve (o200k), and a bad training regex is typed, not a SyntaxError", async () => {
    const tok = await trainTokenizer({ model: 'bpe', vocabSize: 270, pattern: 'o200k' }, [
      'HelloWorld hello',
    ]);
    expect(
      (tok.toJSON().pre_tokenizer as { pretokenizers: { pattern: unknown }[] }).pretokenizers[0]!.pattern,
    ).toEqual({
      Regex: O200K_PATTERN.hf,
    });
    const error = await trainTokenizer({ model: 'bpe', vocabSize: 300, pattern: '[a-' }, ['x']).catch(
      (e) => e,
    );
    expect(TokenizerInputError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
  });
});

describe('what fuzzing tokenizer.json found: fields a load accepted and a later call tripped over', () => {
  const base = {
    version: '1.0',
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: { type: 'WordPiece', vocab: { '[UNK]': 0, '[CLS]': 1, a: 2 }, unk_token: '[UNK]' },
  };
  const load = (field: string, value: unknown) => () => Tokenizer.fromJSON({ ...base, [field]: value });

  it.each([
    ['normalizer', { type: 'toString' }, 'normalizer.type'],
    ['pre_tokenizer', { type: 'constructor' }, 'pre_tokenizer.type'],
    ['decoder', { type: 'hasOwnProperty' }, 'decoder.type'],
    [
      'post_processor',
      { type: 'BertProcessing', sep: ['[SEP]', 1.5], cls: ['[CLS]', 1] },
      'post_processor.sep[1]',
    ],
    [
      'post_processor',
      { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', -1] },
      'post_processor.cls[1]',
    ],
    [
      'post_processor',
      {
        type: 'TemplateProcessing',
        single: '[CLS]:0 $A:0',
        pair: '[CLS]:0 $A:0 $B:1',
        special_tokens: { '[CLS]': { id: '[CLS]', ids: ['1'], tokens: ['[CLS]'] } },
      },
      'post_processor.special_tokens.[CLS].ids[0]',
    ],
    [
      'post_processor',
      {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: -1 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: '$A:0 $B:1',
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [1], tokens: ['[CLS]'] } },
      },
      'post_processor.single[0].type_id',
    ],
    [
      'post_processor',
      {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: 'constructor', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: '$A:0 $B:1',
        special_tokens: {},
      },
      'post_processor.special_tokens',
    ],
  ])('%s %j: a TokenizerFormatError at the field', (field, value, where) => {
    const e = typedError(load(field, value));
    expect(TokenizerFormatError.isInstance(e)).toBe(true);
    expect(e.where).toBe(where);
  });

  it('truncation and padding (kept verbatim) are bounded in depth like the components', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    for (const field of ['truncation', 'padding']) {
      const e = typedError(load(field, { nested: deep }));
      expect(TokenizerFormatError.isInstance(e)).toBe(true);
      expect(e.where).toMatch(new RegExp(`^${field}`));
    }
  });
});
