/**
 * Hand-written scanners for the known split patterns (`patterns.ts`), for ASCII text: given a
 * position, return where the regex's match starting there ends, or -1 when the answer depends on a
 * non-ASCII character (the caller then runs the real regex, sticky, at that position). Most text
 * (English prose, code) never leaves the ASCII path, which is several times faster than the regex
 * engine and allocates nothing.
 *
 * Each scanner follows its regex alternative by alternative, in order (regex alternation takes the
 * first alternative that matches, not the longest). Worked example, cl100k on `" don't\n\n  x"`:
 *
 *     " don"   alt 2: [^\r\n\p{L}\p{N}]?\p{L}+  (a space, then letters)
 *     "'t"     alt 1: a contraction
 *     "\n\n"   alt 6: \s*[\r\n]  (whitespace up to the last line break of the run)
 *     " "      alt 7: \s+(?!\S)  (all but the last space of a run followed by a non-space)
 *     " x"     alt 2 again
 *
 * The tests compare every scanner with its regex on random strings over a tricky alphabet.
 */

// Classes of ASCII units: 0 other (punctuation, controls), 1 upper, 2 lower, 3 digit, 4 space-like
// (\t \n \v \f \r and space). Units >= 128 are not classified here.
const OTHER = 0;
const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const SPACE = 4;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c >= 65 && c <= 90) CLASS[c] = UPPER;
  else if (c >= 97 && c <= 122) CLASS[c] = LOWER;
  else if (c >= 48 && c <= 57) CLASS[c] = DIGIT;
  else if ((c >= 9 && c <= 13) || c === 32) CLASS[c] = SPACE;
  else CLASS[c] = OTHER;
}
const CR = 13;
const LF = 10;
const QUOTE = 39;

/** A scanner: end of the piece starting at `i`, or -1 to defer to the regex. */
export type Scanner = (text: string, i: number, len: number) => number;

/**
 * End of a case-insensitive contraction (`'s 't 're 've 'm 'll 'd`) at `i` (which holds `'`), 0 if
 * none, -1 if a non-ASCII unit decides it (`'ſ` matches, Unicode case folding).
 */
function contractionCI(text: string, i: number, len: number): number {
  if (i + 1 >= len) return 0;
  const d = text.charCodeAt(i + 1) | 0x20; // ASCII lower-casing
  if (text.charCodeAt(i + 1) >= 128) return -1;
  if (d === 115 || d === 116 || d === 109 || d === 100) return i + 2; // s t m d
  if (i + 2 >= len) return 0;
  const e = text.charCodeAt(i + 2) | 0x20;
  if ((d === 114 || d === 118) && e === 101) return i + 3; // re ve
  if (d === 108 && e === 108) return i + 3; // ll
  return 0;
}

/** Class of unit `i`, or -1 past the end, or 5 for non-ASCII. */
function cls(text: string, i: number, len: number): number {
  if (i >= len) return -1;
  const c = text.charCodeAt(i);
  return c < 128 ? CLASS[c]! : 5;
}

/** End of the run of ASCII letters from `i`; -1 if it stops at a non-ASCII unit. */
function letters(text: string, i: number, len: number): number {
  let j = i;
  for (; j < len; j++) {
    const c = text.charCodeAt(j);
    if (c >= 128) return -1;
    const k = CLASS[c]!;
    if (k !== UPPER && k !== LOWER) break;
  }
  return j;
}

/** End of the run of units of ASCII class `k` from `i`; -1 if it stops at a non-ASCII unit. */
function run(text: string, i: number, len: number, k: number): number {
  let j = i;
  for (; j < len; j++) {
    const c = text.charCodeAt(j);
    if (c >= 128) return -1;
    if (CLASS[c] !== k) break;
  }
  return j;
}

/** `\p{N}{1,3}` from the digit at `i`: the end of up to three digits; -1 if a non-ASCII unit decides. */
function upToThreeDigits(text: string, i: number, len: number): number {
  let j = i + 1;
  while (j < i + 3 && j < len) {
    const d = text.charCodeAt(j);
    if (d >= 128) return -1;
    if (CLASS[d] !== DIGIT) break;
    j++;
  }
  return j;
}

/** Index of the last \r or \n in [i, j), or -1. */
function lastNewline(text: string, i: number, j: number): number {
  for (let k = j - 1; k >= i; k--) {
    const c = text.charCodeAt(k);
    if (c === LF || c === CR) return k;
  }
  return -1;
}

/** cl100k (`trailing` = tiktoken's `\s++$` alternative) and Llama 3 (`trailing` false). */
function cl100kCore(text: string, i: number, len: number, trailing: boolean): number {
  {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    const k = CLASS[c]!;
    // alt 1: contractions
    if (c === QUOTE) {
      const e = contractionCI(text, i, len);
      if (e !== 0) return e;
    }
    // alt 2: [^\r\n\p{L}\p{N}]?\p{L}+
    if (k === UPPER || k === LOWER) return letters(text, i, len);
    const next = cls(text, i + 1, len);
    if ((k === OTHER || (k === SPACE && c !== CR && c !== LF)) && next !== -1) {
      if (next === 5) return -1;
      if (next === UPPER || next === LOWER) return letters(text, i + 1, len);
    }
    // alt 3: \p{N}{1,3}
    if (k === DIGIT) return upToThreeDigits(text, i, len);
    // alt 4: ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    let s = -1;
    if (k === OTHER) s = i;
    else if (c === 32 && next === OTHER) s = i + 1;
    if (s >= 0) {
      let j = run(text, s, len, OTHER);
      if (j < 0) return -1;
      while (j < len) {
        const d = text.charCodeAt(j);
        if (d !== CR && d !== LF) break;
        j++;
      }
      return j;
    }
    // whitespace alternatives
    const j = run(text, i, len, SPACE);
    if (j < 0) return -1;
    if (trailing) {
      if (j === len) return len; // \s++$
      const nl = lastNewline(text, i, j); // \s*[\r\n]
      if (nl >= 0) return nl + 1;
      if (j - i >= 2) return j - 1; // \s+(?!\S)
      return i + 1; // \s
    }
    const nl = lastNewline(text, i, j); // \s*[\r\n]+
    if (nl >= 0) return nl + 1;
    if (j === len) return len; // \s+(?!\S) at the end
    if (j - i >= 2) return j - 1;
    return j; // \s+
  }
}

const cl100k: Scanner = (text, i, len) => cl100kCore(text, i, len, true);
const llama3: Scanner = (text, i, len) => cl100kCore(text, i, len, false);

/** GPT-2 (r50k, p50k, HF ByteLevel with use_regex). */
const gpt2: Scanner = (text, i, len) => {
  const c = text.charCodeAt(i);
  if (c >= 128) return -1;
  const k = CLASS[c]!;
  if (c === QUOTE && i + 1 < len) {
    // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive)
    const d = text.charCodeAt(i + 1);
    if (d === 115 || d === 116 || d === 109 || d === 100) return i + 2;
    const e = i + 2 < len ? text.charCodeAt(i + 2) : 0;
    if ((d === 114 || d === 118) && e === 101) return i + 3;
    if (d === 108 && e === 108) return i + 3;
  }
  let s = i;
  let kind = k;
  if (c === 32) {
    const next = cls(text, i + 1, len);
    if (next === 5) return -1;
    if (next !== -1 && next !== SPACE) {
      s = i + 1;
      kind = next;
    }
  }
  if (s !== i || k !== SPACE) {
    if (kind === UPPER || kind === LOWER) return letters(text, s, len); // ' ?\p{L}+'
    if (kind === DIGIT) return run(text, s, len, DIGIT); // ' ?\p{N}+'
    return run(text, s, len, OTHER); // ' ?[^\s\p{L}\p{N}]+'
  }
  const j = run(text, i, len, SPACE);
  if (j < 0) return -1;
  if (j === len) return len; // \s+(?!\S)
  if (j - i >= 2) return j - 1;
  return j; // \s+
};

/** o200k: words split at case changes, contractions glued on. */
const o200k: Scanner = (text, i, len) => {
  const c = text.charCodeAt(i);
  if (c >= 128) return -1;
  const k = CLASS[c]!;
  // alt 1 and 2: [^\r\n\p{L}\p{N}]?[UP]*[LO]+('..)?  |  [^\r\n\p{L}\p{N}]?[UP]+[LO]*('..)?
  let s = -1;
  if (k === UPPER || k === LOWER) s = i;
  else if (k === OTHER || (k === SPACE && c !== CR && c !== LF)) {
    const next = cls(text, i + 1, len);
    if (next === 5) return -1;
    if (next === UPPER || next === LOWER) s = i + 1;
  }
  if (s >= 0) {
    const u = run(text, s, len, UPPER);
    if (u < 0) return -1;
    const w = run(text, u, len, LOWER);
    if (w < 0) return -1;
    // w > u: alt 1 matched ([UP]*[LO]+); w === u: alt 1 failed and alt 2 matched ([UP]+, u > s).
    const end = w;
    if (end < len && text.charCodeAt(end) === QUOTE) {
      const e = contractionCI(text, end, len);
      if (e < 0) return -1;
      if (e > 0) return e;
    }
    return end;
  }
  // alt 3: \p{N}{1,3}
  if (k === DIGIT) return upToThreeDigits(text, i, len);
  // alt 4: ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
  let p = -1;
  if (k === OTHER) p = i;
  else if (c === 32) {
    const next = cls(text, i + 1, len);
    if (next === 5) return -1;
    if (next === OTHER) p = i + 1;
  }
  if (p >= 0) {
    let j = run(text, p, len, OTHER);
    if (j < 0) return -1;
    while (j < len) {
      const d = text.charCodeAt(j);
      if (d !== CR && d !== LF && d !== 47) break;
      j++;
    }
    return j;
  }
  const j = run(text, i, len, SPACE);
  if (j < 0) return -1;
  const nl = lastNewline(text, i, j); // \s*[\r\n]+
  if (nl >= 0) return nl + 1;
  if (j === len) return len; // \s+(?!\S)
  if (j - i >= 2) return j - 1;
  return j; // \s+
};

const SCANNERS: Record<string, Scanner> = { gpt2, cl100k, llama3, o200k };

/**
 * The ASCII scanner of a known pattern (by `SplitPattern.name`), or undefined.
 *
 * @example
 * ```ts
 * const scan = asciiScanner('gpt2')!;
 * scan("Hello world", 5, 11); // 11: " world"
 * ```
 */
export function asciiScanner(name: string): Scanner | undefined {
  return SCANNERS[name];
}

/** The patterns with a scanner, as small integers for the switch in {@link PieceSplitter.end}. */
const KINDS: Record<string, number> = { gpt2: 0, cl100k: 1, llama3: 2, o200k: 3 };

/**
 * Cuts text into the pieces of a known pattern that matches every character (so pieces tile the
 * text): the hand-written scanner where ASCII decides, the real regex (sticky, at that position)
 * where a non-ASCII character does. The byte-level encoder and the training word counter both walk
 * text with it:
 *
 * ```ts
 * for (let i = 0; i < text.length; ) { const end = splitter.end(text, i, text.length); use(text.slice(i, end)); i = end; }
 * ```
 *
 * `end` picks the scanner with a switch rather than through a function variable, so each call site
 * stays monomorphic and the JIT inlines it even when several patterns are in use in one process.
 */
export class PieceSplitter {
  private readonly kind: number;
  private readonly sticky: RegExp;

  private constructor(kind: number, sticky: RegExp) {
    this.kind = kind;
    this.sticky = sticky;
  }

  /**
   * The splitter of a known pattern (`pattern.name` one of gpt2, cl100k, llama3, o200k; `pattern.js`
   * its JS source), or undefined for any other pattern.
   *
   * @example
   * ```ts
   * const split = PieceSplitter.of(GPT2_PATTERN)!;
   * split.end("it's 42!", 2, 8); // 4: "'s"
   * ```
   */
  static of(pattern: { readonly name: string; readonly js: string }): PieceSplitter | undefined {
    const kind = KINDS[pattern.name];
    return kind === undefined ? undefined : new PieceSplitter(kind, new RegExp(pattern.js, 'uy'));
  }

  /** End of the piece starting at `i` of `text` (whose length is `len`). */
  end(text: string, i: number, len: number): number {
    let end: number;
    switch (this.kind) {
      case 0:
        end = gpt2(text, i, len);
        break;
      case 1:
        end = cl100kCore(text, i, len, true);
        break;
      case 2:
        end = cl100kCore(text, i, len, false);
        break;
      default:
        end = o200k(text, i, len);
    }
    if (end >= 0) return end;
    const sticky = this.sticky;
    sticky.lastIndex = i;
    const m = sticky.exec(text);
    return m === null ? i + 1 : i + m[0].length;
  }
}
