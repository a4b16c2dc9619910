/**
 * The GPT-2 split regex, hand-run for ASCII text: the word counter's fast path (most training text
 * is ASCII, and a scanner over a class table beats the regex engine several times). Lines with any
 * non-ASCII character go to the regex; on ASCII both give the same pieces (tested).
 *
 * The pattern, alternative by alternative, on ASCII:
 *
 * ```
 * 's|'t|'re|'ve|'m|'ll|'d     contractions, lowercase only, tried first
 *  ?\p{L}+                    an optional space and letters          " cat"
 *  ?\p{N}+                    an optional space and digits           " 42"
 *  ?[^\s\p{L}\p{N}]+          an optional space and other symbols    " --"
 * \s+(?!\S)                   whitespace not followed by a non-space: a run before a word gives
 *                             back its last character, which then starts the word if it is " "
 * \s+                         whatever whitespace is left            "\n" before a word
 * ```
 *
 * `"Hi  there\n\nyou"` -> `"Hi" " " " there" "\n" "\n" "you"`.
 */

const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
const SPACE = 3;

/** Class of each ASCII code: \t..\r and " " are space, A-Z a-z letters, 0-9 digits, the rest other. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x09 && c <= 0x0d) || c === 0x20) CLASS[c] = SPACE;
  else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) CLASS[c] = LETTER;
  else if (c >= 0x30 && c <= 0x39) CLASS[c] = DIGIT;
  else CLASS[c] = OTHER;
}

/** Length of the contraction at `i` (`'s`, `'re`...), 0 if none. */
function contraction(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x27) return 0;
  const a = text.charCodeAt(i + 1);
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return 2; // s t m d
  const b = text.charCodeAt(i + 2);
  if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c)) return 3; // re ve ll
  return 0;
}

/** End of the run of class `cls` starting at `i`. */
function runEnd(text: string, i: number, cls: number): number {
  const n = text.length;
  while (i < n && CLASS[text.charCodeAt(i)] === cls) i++;
  return i;
}

/**
 * Call `piece(start, end)` for each GPT-2 piece of an all-ASCII `text` (the caller checks ASCII).
 *
 * @example
 * ```ts
 * const pieces: string[] = [];
 * splitGpt2Ascii("it's 42!", (s, e) => pieces.push("it's 42!".slice(s, e)));
 * // pieces = ['it', "'s", ' 42', '!']
 * ```
 */
export function splitGpt2Ascii(text: string, piece: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = CLASS[text.charCodeAt(i)]!;
    const k = contraction(text, i);
    if (k > 0) {
      piece(i, i + k);
      i += k;
      continue;
    }
    if (c !== SPACE) {
      const e = runEnd(text, i, c);
      piece(i, e);
      i = e;
      continue;
    }
    // A space directly before a non-space starts that word (` ?\p{L}+` and friends).
    if (text.charCodeAt(i) === 0x20 && i + 1 < n) {
      const next = CLASS[text.charCodeAt(i + 1)]!;
      if (next !== SPACE) {
        const e = runEnd(text, i + 1, next);
        piece(i, e);
        i = e;
        continue;
      }
    }
    const e = runEnd(text, i, SPACE);
    if (e === n || e - i === 1) {
      piece(i, e); // `\s+(?!\S)` at the end, or a lone whitespace before a word (`\s+`)
      i = e;
    } else {
      piece(i, e - 1); // `\s+(?!\S)` gives back the last whitespace character
      i = e - 1;
    }
  }
}
