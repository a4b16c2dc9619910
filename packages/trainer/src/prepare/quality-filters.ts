/**
 * Heuristic quality filters, in the spirit of the Gopher rules (Rae et al. 2021, appendix A) and
 * their FineWeb/datatrove descendants. Each returns the name of the first rule a document breaks,
 * and the caller counts documents and bytes per rule:
 *
 * | rule                | breaks when                                                         |
 * |---------------------|---------------------------------------------------------------------|
 * | `minLength`         | fewer than `minLength` characters                                   |
 * | `maxNonLetter`      | more than `maxNonLetterFraction` of the non-space characters are not letters (`\p{L}`) |
 * | `maxRepeatedLines`  | more than `maxRepeatedLineFraction` of the non-empty lines repeat an earlier line of the document |
 *
 * Worked example: `"Buy now!\nBuy now!\nBuy now!\nOK"` has 4 non-empty lines of which 2 repeat an
 * earlier one: a repeated-line fraction of 0.5, above the default 0.3, so `maxRepeatedLines`.
 */

/** Thresholds; `null` turns a rule off. */
export interface QualityOptions {
  minLength: number | null;
  maxNonLetterFraction: number | null;
  maxRepeatedLineFraction: number | null;
}

/** The names of the rules, in the order they are checked. */
export const QUALITY_RULES = ['minLength', 'maxNonLetter', 'maxRepeatedLines'] as const;
/** One rule's name. */
export type QualityRule = (typeof QUALITY_RULES)[number];

const LETTER = /\p{L}/u;
const SPACE = /\s/u;

/**
 * Fraction of the non-whitespace characters (code points) that are not letters.
 *
 * @example
 * ```ts
 * nonLetterFraction('ab 12'); // 0.5
 * ```
 */
export function nonLetterFraction(text: string): number {
  let counted = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      // ASCII fast path: space, \t \n \v \f \r are whitespace; A-Z and a-z are the letters
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
      counted++;
      if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) other++;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++; // the low half of a surrogate pair
    const ch = String.fromCodePoint(cp);
    if (SPACE.test(ch)) continue;
    counted++;
    if (!LETTER.test(ch)) other++;
  }
  return counted === 0 ? 0 : other / counted;
}

/** Number of code points in `text`, counting no further than `limit`. */
function codePointsUpTo(text: string, limit: number): number {
  if (text.length >= 2 * limit) return limit; // every code point is at most 2 UTF-16 units
  let n = 0;
  for (let i = 0; i < text.length && n < limit; i++, n++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  return n;
}

/**
 * Fraction of the non-empty lines that repeat an earlier line of the same text (after trimming).
 *
 * @example
 * ```ts
 * repeatedLineFraction('Buy now!\nBuy now!\nBuy now!\nOK'); // 0.5
 * ```
 */
export function repeatedLineFraction(text: string): number {
  const seen = new Set<string>();
  let lines = 0;
  let repeated = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    lines++;
    if (seen.has(line)) repeated++;
    else seen.add(line);
  }
  return lines === 0 ? 0 : repeated / lines;
}

/**
 * The first quality rule `text` breaks, or null when it passes all of them.
 *
 * @example
 * ```ts
 * const o = { minLength: 32, maxNonLetterFraction: 0.5, maxRepeatedLineFraction: 0.3 };
 * qualityVerdict('too short', o);                             // 'minLength'
 * qualityVerdict('1234 5678 9012 3456 7890 1234 5678 9', o);   // 'maxNonLetter'
 * ```
 */
export function qualityVerdict(text: string, o: QualityOptions): QualityRule | null {
  if (o.minLength !== null && codePointsUpTo(text, o.minLength) < o.minLength) {
    return 'minLength';
  }
  if (o.maxNonLetterFraction !== null && nonLetterFraction(text) > o.maxNonLetterFraction) {
    return 'maxNonLetter';
  }
  if (o.maxRepeatedLineFraction !== null && repeatedLineFraction(text) > o.maxRepeatedLineFraction) {
    return 'maxRepeatedLines';
  }
  return null;
}
