// Every pre-tokenizer against the Rust HF library on tricky strings: the same pieces and the same
// offsets (HF's Node binding reports code points; we convert our UTF-16 origins).
import { describe, expect, it } from 'vitest';
import { CL100K_PATTERN, GPT2_PATTERN, LLAMA3_PATTERN } from '../src/pipeline/patterns.js';
import { originSpan, pieceOf } from '../src/pipeline/piece-ops.js';
import { preTokenizerFromJSON } from '../src/pre-tokenizers/index.js';
import { cpOffset, hfWith, TRICKY } from './helpers-hf.js';

const BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

const PRE_TOKENIZERS: Record<string, unknown>[] = [
  { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
  ...BEHAVIORS.flatMap((behavior) => [
    { type: 'Split', pattern: { String: ' ' }, behavior, invert: false },
    { type: 'Split', pattern: { Regex: '\\s+' }, behavior, invert: false },
    { type: 'Split', pattern: { Regex: '\\p{P}' }, behavior, invert: true },
    { type: 'Split', pattern: { Regex: 'l*|\\s' }, behavior, invert: false },
    { type: 'Split', pattern: { Regex: 'o*' }, behavior, invert: true },
  ]),
  {
    type: 'Split',
    pattern: { Regex: "(?i:'s|'t|'ll)|\\d{1,2}|[^\\s\\w]+" },
    behavior: 'Isolated',
    invert: false,
  },
  { type: 'Split', pattern: { Regex: '^\\s+|\\s+$|\\h+' }, behavior: 'Isolated', invert: false },
  {
    type: 'Split',
    pattern: { Regex: '\\A\\s+|\\s+\\z|\\x{2581}+|(?>\\d+)\\.' },
    behavior: 'Isolated',
    invert: false,
  },
  {
    type: 'Split',
    pattern: { Regex: '\\p{Han}+|\\p{Hiragana}+|(?i:[a-e]l+)|\\P{L}{2,}' },
    behavior: 'Isolated',
    invert: false,
  },
  { type: 'Split', pattern: { Regex: GPT2_PATTERN.hf }, behavior: 'Isolated', invert: false },
  { type: 'Split', pattern: { Regex: LLAMA3_PATTERN.hf }, behavior: 'Isolated', invert: false },
  { type: 'Split', pattern: { Regex: CL100K_PATTERN.hf }, behavior: 'Isolated', invert: false },
  { type: 'Whitespace' },
  { type: 'WhitespaceSplit' },
  { type: 'BertPreTokenizer' },
  { type: 'UnicodeScripts' },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true },
  { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: false },
  { type: 'Metaspace', replacement: '_', prepend_scheme: 'always', split: false },
  ...BEHAVIORS.map((behavior) => ({ type: 'Punctuation', behavior })),
  { type: 'Digits', individual_digits: true },
  { type: 'Digits', individual_digits: false },
  { type: 'CharDelimiterSplit', delimiter: '_' },
  { type: 'CharDelimiterSplit', delimiter: '-' },
  { type: 'Split', pattern: { String: '-' }, behavior: 'MergedWithPrevious', invert: false },
  { type: 'Split', pattern: { String: '.(' }, behavior: 'Isolated', invert: false },
  {
    type: 'Sequence',
    pretokenizers: [
      { type: 'WhitespaceSplit' },
      { type: 'Digits', individual_digits: true },
      { type: 'Punctuation' },
    ],
  },
  {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: LLAMA3_PATTERN.hf }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  },
  {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true },
      { type: 'Digits', individual_digits: true },
    ],
  },
  {
    type: 'Sequence',
    pretokenizers: [
      { type: 'WhitespaceSplit' },
      { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true },
    ],
  },
];

const EXTRA = ['a--b  c..d', "it's 2024!! x", 'Hello▁world', '_a__b_', ' x', 'f.(x).(y)-z'];

describe('pre-tokenizers match HF tokenizers', () => {
  for (const json of PRE_TOKENIZERS) {
    it(JSON.stringify(json).slice(0, 100), () => {
      const ours = preTokenizerFromJSON(json, 'pre_tokenizer');
      const hf = hfWith({ pre_tokenizer: json }).getPreTokenizer()!;
      for (const text of [...TRICKY, ...EXTRA]) {
        const expected = hf.preTokenizeString(text);
        const pieces = ours.preTokenize([pieceOf(text)]);
        const got = pieces.map((p) => {
          const [s, e] = originSpan(p, 0, p.text.length);
          return [p.text, [cpOffset(text, s), cpOffset(text, e)]];
        });
        expect(got, JSON.stringify(text)).toEqual(expected);
        const strings: string[] = [];
        ours.splitString(text, strings);
        expect(strings, JSON.stringify(text)).toEqual(expected.map((x) => x[0]));
      }
    });
  }

  it('toJSON round-trips through the registry', () => {
    for (const json of PRE_TOKENIZERS) {
      const a = preTokenizerFromJSON(json);
      const b = preTokenizerFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
      for (const text of TRICKY) {
        const x: string[] = [];
        const y: string[] = [];
        a.splitString(text, x);
        b.splitString(text, y);
        expect(y).toEqual(x);
      }
    }
  });

  it('prepend_scheme "first" prepends only to text that begins the input (HF checks the offset is 0)', () => {
    const m = preTokenizerFromJSON({
      type: 'Metaspace',
      replacement: '▁',
      prepend_scheme: 'first',
      split: true,
    });
    const seq = preTokenizerFromJSON({ type: 'Sequence', pretokenizers: [m.toJSON(), { type: 'Digits' }] });
    for (const p of [m, seq] as const) {
      const atStart: string[] = [];
      const later: string[] = [];
      (p as unknown as { splitString(t: string, o: string[], s: boolean): void }).splitString(
        'Hi you',
        atStart,
        true,
      );
      (p as unknown as { splitString(t: string, o: string[], s: boolean): void }).splitString(
        'Hi you',
        later,
        false,
      );
      expect(atStart).toEqual(['▁Hi', '▁you']);
      expect(later).toEqual(['Hi', '▁you']);
      // the piece path reads the same fact from the origins: text after an added token starts at > 0
      expect(p.preTokenize([{ text: 'Hi you', base: 5, map: null }]).map((x) => x.text)).toEqual([
        'Hi',
        '▁you',
      ]);
      expect(p.preTokenize([{ text: 'Hi you', base: 0, map: null }]).map((x) => x.text)).toEqual([
        '▁Hi',
        '▁you',
      ]);
    }
  });

  it('unknown types, bad behaviors and missing fields name the field path', () => {
    expect(() =>
      preTokenizerFromJSON({ type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, { type: 'Nope' }] }),
    ).toThrow(/pre_tokenizer\.pretokenizers\[1\]\.type: expected one of .*found "Nope"/);
    expect(() =>
      preTokenizerFromJSON({ type: 'Split', pattern: { String: 'x' }, behavior: 'Sideways' }),
    ).toThrow(/pre_tokenizer\.behavior: expected one of Removed/);
    expect(() => preTokenizerFromJSON({ type: 'CharDelimiterSplit' })).toThrow(/pre_tokenizer\.delimiter/);
    // Oniguruma syntax with no JS translation is refused, naming the construct and the field.
    expect(() =>
      preTokenizerFromJSON({
        type: 'Sequence',
        pretokenizers: [{ type: 'Split', pattern: { Regex: '[[:alpha:]]' }, behavior: 'Isolated' }],
      }),
    ).toThrow(
      /pre_tokenizer\.pretokenizers\[0\]\.pattern: expected an Oniguruma regex .*found a POSIX bracket/,
    );
    expect(() =>
      preTokenizerFromJSON({ type: 'Split', pattern: { Regex: 'a\\Gb' }, behavior: 'Isolated' }),
    ).toThrow(/found \\G/);
    expect(() => preTokenizerFromJSON({ type: 'Sequence' })).toThrow(
      /pre_tokenizer\.pretokenizers: expected an array/,
    );
  });
});
