import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CL100K_PATTERN, GPT2_PATTERN, LLAMA3_PATTERN, O200K_PATTERN } from '../src/index.js';
import { asciiScanner, PieceSplitter } from '../src/pre-tokenizers/ascii-scan.js';

// The hand-written ASCII scanners must split exactly like their regexes. The reference is V8's
// regex engine running the pattern; inputs are random strings over an alphabet chosen to hit every
// alternative and every boundary (case changes, contractions, ſ, digits, runs of spaces and line
// breaks, punctuation, a slash, non-ASCII letters, marks, digits and spaces, astral characters).
const ALPHABET = [
  'a',
  'b',
  'Z',
  'Q',
  's',
  'S',
  't',
  'r',
  'e',
  'E',
  'v',
  'l',
  'L',
  'm',
  'd',
  'D',
  "'",
  'ſ',
  '0',
  '7',
  '9',
  ' ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\v',
  '\f',
  '.',
  ',',
  '!',
  '/',
  '-',
  '(',
  '"',
  '\u0000',
  '\u00a0',
  '\u0085',
  '\u3000',
  '\ufeff',
  'é',
  'É',
  'ß',
  '日',
  '\u0301',
  '٣',
  'Ⅻ',
  '😀',
  '𝔘',
  '\ud800',
];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }).map((xs) => xs.join(''));

/** The pieces `PieceSplitter` cuts `t` into (what the byte-level encoder and the word counter walk). */
function split(splitter: PieceSplitter, t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; ) {
    const end = splitter.end(t, i, t.length);
    out.push(t.slice(i, end));
    i = end;
  }
  return out;
}

describe('ASCII scanners equal their regexes', () => {
  for (const p of [GPT2_PATTERN, CL100K_PATTERN, LLAMA3_PATTERN, O200K_PATTERN]) {
    it(`${p.name}`, () => {
      const splitter = PieceSplitter.of(p)!;
      const global = new RegExp(p.js, 'gu');
      fc.assert(
        fc.property(text, (t) => {
          expect(split(splitter, t)).toEqual(t.match(global) ?? []);
        }),
        { numRuns: 3000, seed: 11 },
      );
      // Every ASCII string, with all 128 units (controls, DEL, every punctuation mark).
      const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...ascii), maxLength: 30 }), (t) => {
          expect(split(splitter, t)).toEqual(t.match(global) ?? []);
        }),
        { numRuns: 1000, seed: 12 },
      );
      // The scanner answers most ASCII positions itself (it is not deferring everything).
      const scan = asciiScanner(p.name)!;
      let decided = 0;
      const sample = "Hello world, it's 2024!\n\n  x = y / 3;  \tdon't STOP";
      for (let i = 0; i < sample.length; i++) if (scan(sample, i, sample.length) >= 0) decided++;
      expect(decided).toBe(sample.length);
    });
  }

  it('has no splitter for other patterns', () => {
    expect(PieceSplitter.of({ name: 'custom', js: '\\S+' })).toBeUndefined();
  });
});
