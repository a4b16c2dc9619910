import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CL100K_PATTERN, GPT2_PATTERN, LLAMA3_PATTERN, O200K_PATTERN } from '../src/index.js';
import { asciiScanner } from '../src/pipeline/ascii-scan.js';

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

function split(scan: (t: string, i: number, n: number) => number, sticky: RegExp, t: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < t.length) {
    let end = scan(t, i, t.length);
    if (end < 0) {
      sticky.lastIndex = i;
      end = i + sticky.exec(t)![0].length;
    }
    out.push(t.slice(i, end));
    i = end;
  }
  return out;
}

describe('ASCII scanners equal their regexes', () => {
  for (const p of [GPT2_PATTERN, CL100K_PATTERN, LLAMA3_PATTERN, O200K_PATTERN]) {
    it(`${p.name}`, () => {
      const scan = asciiScanner(p.name)!;
      const global = new RegExp(p.js, 'gu');
      const sticky = new RegExp(p.js, 'uy');
      fc.assert(
        fc.property(text, (t) => {
          expect(split(scan, sticky, t)).toEqual(t.match(global) ?? []);
        }),
        { numRuns: 3000, seed: 11 },
      );
      // The scanner answers most ASCII positions itself (it is not deferring everything).
      let decided = 0;
      const sample = "Hello world, it's 2024!\n\n  x = y / 3;  \tdon't STOP";
      for (let i = 0; i < sample.length; i++) if (scan(sample, i, sample.length) >= 0) decided++;
      expect(decided).toBe(sample.length);
    });
  }
});
