/**
 * How a pre-tokenizer turns the matches of a pattern into pieces (HF `SplitDelimiterBehavior`).
 * For "a--b" with the pattern "-":
 *
 *   Removed             a | b
 *   Isolated            a | - | - | b
 *   MergedWithPrevious  a- | - | b        (a match joins the non-match before it)
 *   MergedWithNext      a | - | -b
 *   Contiguous          a | -- | b        (adjacent matches become one piece)
 *
 * `invert` swaps what counts as a match. The core works on ranges so the same code serves plain
 * strings (`splitString`) and pieces with origins (`preTokenize`).
 */
import { TokenizerFormatError } from '../errors.js';
import { hfMatches } from '../normalizers/hf-pattern.js';
import { slicePiece } from '../pipeline/piece-ops.js';
import type { Piece } from '../pipeline/types.js';
import { previewJSON } from '../tokenizer/arguments.js';

/** The five split behaviors of tokenizer.json. */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

export const SPLIT_BEHAVIORS: readonly SplitBehavior[] = [
  'Removed',
  'Isolated',
  'MergedWithPrevious',
  'MergedWithNext',
  'Contiguous',
];

/** Checks a behavior name read from a file. */
export function parseBehavior(v: unknown, where: string): SplitBehavior {
  const s = typeof v === 'string' ? v.replace(/^\w/, (c) => c.toUpperCase()) : v;
  if (typeof s === 'string' && (SPLIT_BEHAVIORS as readonly string[]).includes(s)) return s as SplitBehavior;
  throw new TokenizerFormatError({
    operation: 'fromJSON',
    where,
    expected: `one of ${SPLIT_BEHAVIORS.join(', ')}`,
    found: previewJSON(v),
    hint: 'Split pre-tokenizers say what becomes of each match, e.g. "behavior": "Isolated"',
  });
}

/** Flat `[s0, e0, s1, e1, ...]` of the non-empty matches of `pattern` (a regex or a literal) in `text`. */
function findMatches(text: string, pattern: RegExp | string): number[] {
  const out: number[] = [];
  if (typeof pattern === 'string') {
    if (pattern.length === 0) return out;
    for (let at = text.indexOf(pattern); at >= 0; at = text.indexOf(pattern, at + pattern.length))
      out.push(at, at + pattern.length);
    return out;
  }
  // Empty matches count: they cut the text ("l*|\\s" isolates every character), as in HF.
  return hfMatches(text, pattern);
}

/**
 * Cuts `[0, length)` into kept ranges, given the pattern (a global regex, or a literal string).
 * Returns flat `[s0, e0, s1, e1, ...]`, empty ranges dropped.
 */
export function splitRanges(
  text: string,
  pattern: RegExp | string,
  behavior: SplitBehavior,
  invert: boolean,
): number[] {
  // 1. All spans with their is-match flag, covering the text.
  const spans: number[] = []; // s, e, isMatch
  let prev = 0;
  const matches = findMatches(text, pattern);
  for (let k = 0; k < matches.length; k += 2) {
    const s = matches[k]!;
    const e = matches[k + 1]!;
    if (s > prev) spans.push(prev, s, invert ? 1 : 0);
    spans.push(s, e, invert ? 0 : 1);
    prev = e;
  }
  if (prev < text.length) spans.push(prev, text.length, invert ? 1 : 0);
  // 2. Fold according to the behavior (HF's exact rules, including their edge cases), 3. drop empties.
  const folded = fold(spans, behavior);
  const out: number[] = [];
  for (let k = 0; k < folded.length; k += 2)
    if (folded[k + 1]! > folded[k]!) out.push(folded[k]!, folded[k + 1]!);
  return out;
}

function fold(spans: number[], behavior: SplitBehavior): number[] {
  const out: number[] = [];
  const n = spans.length / 3;
  switch (behavior) {
    case 'Removed':
      for (let k = 0; k < n; k++) if (!spans[3 * k + 2]) out.push(spans[3 * k]!, spans[3 * k + 1]!);
      return out;
    case 'Isolated':
      for (let k = 0; k < n; k++) out.push(spans[3 * k]!, spans[3 * k + 1]!);
      return out;
    case 'Contiguous': {
      let previous = 0;
      for (let k = 0; k < n; k++) {
        const m = spans[3 * k + 2]!;
        if (m === previous && out.length > 0) out[out.length - 1] = spans[3 * k + 1]!;
        else out.push(spans[3 * k]!, spans[3 * k + 1]!);
        previous = m;
      }
      return out;
    }
    case 'MergedWithPrevious': {
      let previous = 0;
      for (let k = 0; k < n; k++) {
        const m = spans[3 * k + 2]!;
        if (m && !previous && out.length > 0) out[out.length - 1] = spans[3 * k + 1]!;
        else out.push(spans[3 * k]!, spans[3 * k + 1]!);
        previous = m;
      }
      return out;
    }
    case 'MergedWithNext': {
      // Same fold, from the right: a match joins the non-match after it.
      const rev: number[] = [];
      let previous = 0;
      for (let k = n - 1; k >= 0; k--) {
        const m = spans[3 * k + 2]!;
        if (m && !previous && rev.length > 0) rev[rev.length - 2] = spans[3 * k]!;
        else rev.push(spans[3 * k]!, spans[3 * k + 1]!);
        previous = m;
      }
      for (let k = rev.length - 2; k >= 0; k -= 2) out.push(rev[k]!, rev[k + 1]!);
      return out;
    }
  }
}

/** Splits a plain string, appending the kept parts to `out`. */
export function splitStringBy(
  text: string,
  re: RegExp | string,
  behavior: SplitBehavior,
  invert: boolean,
  out: string[],
): void {
  const r = splitRanges(text, re, behavior, invert);
  for (let k = 0; k < r.length; k += 2) out.push(text.slice(r[k], r[k + 1]));
}

/** Splits pieces, keeping origins. */
export function splitPiecesBy(
  pieces: Piece[],
  re: RegExp | string,
  behavior: SplitBehavior,
  invert: boolean,
): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const r = splitRanges(p.text, re, behavior, invert);
    for (let k = 0; k < r.length; k += 2) out.push(slicePiece(p, r[k]!, r[k + 1]!));
  }
  return out;
}
