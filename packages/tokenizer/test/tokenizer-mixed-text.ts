// Builds the mixed test corpus used against the HF reference: real prose (the Austen fixture),
// real code (TypeScript's compiler source from node_modules), and a seeded generator of text in
// many scripts (CJK, kana, Hangul, Cyrillic, Greek, Arabic, Hebrew, Devanagari with marks, Thai),
// emoji sequences (ZWJ families, skin tones, flags, keycaps), odd whitespace (NBSP, ideographic
// space, NEL, LINE SEPARATOR, BOM, CRLF, tabs) and digits/punctuation runs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { seededRandom as rng } from '../src/models/seeded-random.js';

const require = createRequire(import.meta.url);

const SCRIPTS: [number, number][] = [
  [0x4e00, 0x9fff], // CJK
  [0x3041, 0x3096], // hiragana
  [0x30a1, 0x30fa], // katakana
  [0xac00, 0xd7a3], // Hangul
  [0x0410, 0x044f], // Cyrillic
  [0x0391, 0x03c9], // Greek
  [0x0621, 0x064a], // Arabic
  [0x05d0, 0x05ea], // Hebrew
  [0x0905, 0x0939], // Devanagari
  [0x0e01, 0x0e30], // Thai
  [0x00c0, 0x00ff], // Latin-1 letters
  [0x0100, 0x017f], // Latin Extended-A
];
const MARKS = [0x0301, 0x0308, 0x093f, 0x094d, 0x0e31, 0x0e48, 0x064e];
const EMOJI = ['🙂', '👍🏽', '👨‍👩‍👧', '🇫🇷', '1️⃣', '❤️', '🏳️‍🌈', '🧑🏿‍💻', '😀😃😄', '🐍', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'];
const SPACES = [
  ' ',
  ' ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\n\n',
  '\u00a0',
  '\u3000',
  '\u0085',
  '\u2028',
  '\ufeff',
  '   ',
];
const PUNCT = [
  '.',
  ',',
  '!',
  '?',
  '...',
  '--',
  '"',
  "'",
  "'s",
  "'LL",
  '(',
  ')',
  '[',
  ']',
  '/',
  '//',
  '#',
  '@',
  '→',
  '«',
  '»',
  '、',
  '。',
  '！',
];

/** `length` characters of seeded multilingual text. */
export function multilingual(length: number, seed = 1): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: string[] = [];
  let n = 0;
  while (n < length) {
    const kind = r();
    let w = '';
    if (kind < 0.55) {
      const [lo, hi] = pick(SCRIPTS);
      const len = 1 + Math.floor(r() * 8);
      for (let i = 0; i < len; i++) {
        w += String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
        if (r() < 0.1) w += String.fromCodePoint(pick(MARKS));
      }
      if (r() < 0.2) w = w.toUpperCase();
    } else if (kind < 0.65) w = pick(EMOJI);
    else if (kind < 0.75) w = String(Math.floor(r() * 10 ** (1 + Math.floor(r() * 7))));
    else if (kind < 0.85) w = pick(PUNCT);
    else w = pick(['The', 'quick', 'BROWN', 'fox', "don't", 'HelloWorld', 'camelCase', 'x=1;', 'naïve']);
    out.push(w, pick(SPACES));
    n += w.length + 1;
  }
  return out.join('');
}

/** About `size` characters: prose, code and multilingual text in equal thirds, shuffled by block. */
export function mixedText(size: number): string {
  const austen = gunzipSync(
    readFileSync(new URL('../../../fixtures/austen-train.txt.gz', import.meta.url)),
  ).toString('utf8');
  const code = readFileSync(require.resolve('typescript/lib/typescript.js'), 'utf8');
  const third = Math.ceil(size / 3);
  return [
    austen.slice(200_000, 200_000 + third),
    multilingual(third, 7),
    code.slice(500_000, 500_000 + third),
  ].join('\n');
}

/** Splits text into chunks of about `size` characters at line ends (never inside a surrogate pair). */
export function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const nl = text.indexOf('\n', end);
    end = nl < 0 ? text.length : nl + 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}
