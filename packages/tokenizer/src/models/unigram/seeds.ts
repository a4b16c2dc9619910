/**
 * Unigram training, step 1: which characters must be in the vocabulary, and the seed vocabulary of
 * frequent substrings that EM and pruning will whittle down.
 *
 * Required characters: sort characters by frequency and keep the most frequent ones until they
 * cover `characterCoverage` of all character occurrences (SentencePiece's `character_coverage`,
 * 0.9995 by default); the rest become unknown (`<unk>` or byte fallback).
 *
 * Seeds: every substring of every word, up to `maxPieceLength` characters, counted with the word's
 * frequency. A substring is a valid piece when `▁` (the word-boundary mark) appears only at its
 * start, it holds no unknown character, and (like SentencePiece's `split_by_unicode_script` and
 * `split_by_number`) it does not mix letters, digits and other symbols:
 *
 * ```
 * words {"▁the": 3, "▁then": 1}
 * valid: ▁t ▁th ▁the ▁then t th the then h he hen e en n      invalid: "e▁", "the,", "a1"
 * seed score = freq × length: ▁the 3+1 = 4 times × 4 chars = 16 ...
 * ```
 *
 * Substrings seen once are dropped (they cannot be worth a vocabulary slot), the rest are ranked by
 * freq × length and the best `seedSize` kept; every required character is a seed too.
 */

import { Trie } from '../../pipeline/trie.js';
import { grown } from '../../pipeline/typed-arrays.js';

/** The three classes a piece may not mix (the `▁` mark, class 0, is free). */
function charClass(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (ch === '▁') return 0;
  if (/[\p{L}\p{M}]/u.test(ch)) return 1;
  if (/\p{N}/u.test(ch)) return 2;
  return 3;
}

export interface SeedOptions {
  characterCoverage: number;
  maxPieceLength: number;
  seedSize: number;
  /** Refuse pieces mixing letters, digits and other symbols. */
  splitByClass: boolean;
}

export interface Seeds {
  /** Required characters, most frequent first. */
  requiredChars: string[];
  /** Seed pieces (required characters first) and their initial log probabilities. */
  pieces: string[];
  scores: Float64Array;
}

/**
 * Pick the required characters and the seed pieces from word counts (words as code points).
 * Substrings are counted in a {@link Trie} (no substring is built until it is known to be a seed);
 * node i stands for the substring spelled from the root to it.
 */
export function makeSeeds(words: readonly Int32Array[], counts: Float64Array, options: SeedOptions): Seeds {
  // ── required characters by coverage ─────────────────────────────────────────────────────────
  const charFreq = new Map<number, number>();
  let totalChars = 0;
  for (let w = 0; w < words.length; w++) {
    const c = counts[w]!;
    for (const cp of words[w]!) charFreq.set(cp, (charFreq.get(cp) ?? 0) + c);
    totalChars += c * words[w]!.length;
  }
  const byFreq = [...charFreq].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  const required: number[] = [];
  let covered = 0;
  for (const [cp, f] of byFreq) {
    if (required.length > 0 && covered / totalChars >= options.characterCoverage) break;
    required.push(cp);
    covered += f;
  }
  const klass = new Map<number, number>();
  for (const cp of required) klass.set(cp, charClass(cp));

  // ── substring counts, in a trie ──────────────────────────────────────────────────────────────
  const trie = new Trie();
  let parent = new Int32Array(1 << 16);
  let last = new Int32Array(1 << 16); // the code point on the edge into the node
  let depth = new Int32Array(1 << 16);
  let freq = new Float64Array(1 << 16);
  const childOf = (node: number, cp: number): number => {
    const made = trie.size;
    const next = trie.childOrAdd(node, cp);
    if (next === made) {
      if (next === freq.length) {
        parent = grown(parent, next * 2);
        last = grown(last, next * 2);
        depth = grown(depth, next * 2);
        freq = grown(freq, next * 2);
      }
      parent[next] = node;
      last[next] = cp;
      depth[next] = depth[node]! + 1;
    }
    return next;
  };
  for (let w = 0; w < words.length; w++) {
    const cps = words[w]!;
    const c = counts[w]!;
    for (let i = 0; i < cps.length; i++) {
      let cls = klass.get(cps[i]!);
      if (cls === undefined) continue; // unknown character
      let node = childOf(0, cps[i]!);
      for (let j = i + 1; j < cps.length && j - i < options.maxPieceLength; j++) {
        const k = klass.get(cps[j]!);
        if (k === undefined || k === 0) break; // unknown char, or ▁ after the start
        if (options.splitByClass) {
          if (cls === 0) cls = k;
          else if (k !== cls) break;
        }
        node = childOf(node, cps[j]!);
        freq[node]! += c;
      }
    }
  }

  // ── rank by freq × length, keep the best ────────────────────────────────────────────────────
  const ranked: number[] = [];
  for (let n = 1; n < trie.size; n++) if (depth[n]! >= 2 && freq[n]! >= 2) ranked.push(n);
  const score = (n: number) => freq[n]! * depth[n]!;
  ranked.sort((x, y) => score(y) - score(x) || x - y);
  const room = Math.max(0, options.seedSize - required.length);
  if (ranked.length > room) ranked.length = room;
  const spell = (n: number): string => {
    const cps: number[] = [];
    for (; n !== 0; n = parent[n]!) cps.push(last[n]!);
    return String.fromCodePoint(...cps.reverse());
  };

  const requiredChars = required.map((cp) => String.fromCodePoint(cp));
  const pieces = [...requiredChars, ...ranked.map(spell)];
  const scores = new Float64Array(pieces.length);
  let sum = 0;
  for (let i = 0; i < required.length; i++) scores[i] = charFreq.get(required[i]!)!;
  for (let i = 0; i < ranked.length; i++) scores[required.length + i] = score(ranked[i]!);
  for (const x of scores) sum += x;
  const logSum = Math.log(sum);
  for (let i = 0; i < scores.length; i++) scores[i] = Math.log(scores[i]!) - logSum;
  return { requiredChars, pieces, scores };
}
