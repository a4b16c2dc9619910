/**
 * The BPE trainer: from word counts to a vocabulary and an ordered list of merges.
 *
 * Input is the output of the word-counting stage (`{"Ġthe": 41210, "Ġcat": 12, ...}`): every unique
 * pre-tokenized word with how often it occurs. Each word becomes a sequence of symbols, bytes in
 * byte-level mode (GPT-2 style: every byte shown as a printable character, so `Ġ` is the space
 * byte 0x20) or characters otherwise. Then, repeatedly, the most frequent adjacent pair is merged
 * into a new symbol. A worked example with the words `hug` ×10, `pug` ×5, `hugs` ×5:
 *
 * ```
 * pairs: (h,u) 15  (u,g) 20  (p,u) 5  (g,s) 5   -> merge u g -> "ug"
 * words: h ug ×10, p ug ×5, h ug s ×5
 * pairs: (h,ug) 15  (p,ug) 5  (ug,s) 5           -> merge h ug -> "hug"
 * ```
 *
 * That is `trainOnCounts` of `reference.ts`, which recounts every pair after every merge. This one
 * learns the same merges in the same order (tested on random corpora) and is fast because it never
 * recounts: a pair -> words index says which words hold a pair, merging a pair rewrites only those
 * words and adjusts the counts of the neighbouring pairs, and a max-heap with lazy deletion
 * ({@link PairHeap}) finds the next pair. Words live in flat typed arrays as doubly linked lists of
 * symbols, so a merge unlinks one node.
 *
 * Tie-break (deterministic): the highest count wins; among equal counts the pair with the smallest
 * left id, then the smallest right id (ids are given in vocabulary order: special tokens, then the
 * alphabet sorted by code point, then merged tokens in the order they were made), as HF does.
 */
import { TokenizerInputError } from '../../errors.js';
import { grown } from '../../pipeline/typed-arrays.js';
import { BYTE_TO_CHAR } from '../../pre-tokenizers/byte-level.js';
import type { TrainProgress } from '../../trainers/progress.js';
import { PairHeap } from './pair-heap.js';

/** Options of {@link trainBpe}. */
export interface BpeTrainerOptions {
  /** Size of the final vocabulary, special tokens and the alphabet included. */
  vocabSize: number;
  /** A pair must occur at least this often to be merged (default 2; HF's default is 0). */
  minFrequency?: number;
  /** Tokens placed first in the vocabulary (ids 0, 1, ...), never produced by merges. */
  specialTokens?: string[];
  /**
   * Byte-level (default true): symbols are the UTF-8 bytes of each word, shown with GPT-2's
   * byte-to-character table, and all 256 bytes are in the alphabet. False: symbols are characters,
   * the alphabet is the characters seen.
   */
  byteLevel?: boolean;
  /** Character-level only: add `<0x00>`..`<0xFF>` so unknown characters fall back to bytes. */
  byteFallback?: boolean;
  /** Called now and then with `{ phase: 'merge', done, total }`. */
  onProgress?: (progress: TrainProgress) => void;
}

/** What {@link trainBpe} returns: the vocabulary in id order and the merges in rank order. */
export interface BpeTrainResult {
  /** Token string of each id. */
  vocab: string[];
  /** The merges, first learned first: `[left, right]` token strings. */
  merges: [string, string][];
}

const RIGHT = 0x200000; // pair key = left * RIGHT + right; vocabularies up to 2M tokens

/**
 * Learn BPE merges from word counts.
 *
 * @example
 * ```ts
 * import { trainBpe } from '@llmforge/tokenizer';
 * const counts = new Map([['hug', 10], ['pug', 5], ['hugs', 5]]);
 * const { merges } = trainBpe(counts, { vocabSize: 256 + 2 });
 * console.log(merges); // [['u', 'g'], ['h', 'ug']]
 * ```
 */
export function trainBpe(wordCounts: Iterable<[string, number]>, options: BpeTrainerOptions): BpeTrainResult {
  const { vocabSize, minFrequency = 2, specialTokens = [], byteLevel = true, onProgress } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize >= RIGHT) {
    throw new TokenizerInputError({
      operation: 'trainBpe',
      expected: `vocabSize an integer in [1, ${RIGHT})`,
      found: String(vocabSize),
      hint: 'typical sizes are 4096 to 65536',
    });
  }

  // ── 1. the vocabulary starts with the special tokens, then the alphabet by code point ────────
  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const addToken = (t: string): number => {
    let id = ids.get(t);
    if (id === undefined) {
      id = vocab.length;
      vocab.push(t);
      ids.set(t, id);
    }
    return id;
  };
  for (const t of specialTokens) addToken(t);
  if (!byteLevel && options.byteFallback) {
    for (let b = 0; b < 256; b++) addToken(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  }

  // Words as symbol strings (byte-level: one printable char per byte), with their counts.
  const table = BYTE_TO_CHAR;
  const utf8 = new TextEncoder();
  const words: string[][] = [];
  const counts: number[] = [];
  const alphabet = new Set<string>(byteLevel ? table : []);
  for (const [word, count] of wordCounts) {
    let symbols: string[];
    if (byteLevel) {
      const bytes = utf8.encode(word);
      symbols = new Array<string>(bytes.length);
      for (let i = 0; i < bytes.length; i++) symbols[i] = table[bytes[i]!]!;
    } else {
      symbols = Array.from(word);
      for (const s of symbols) alphabet.add(s);
    }
    if (symbols.length > 1) {
      words.push(symbols);
      counts.push(count);
    }
  }
  const sortedAlphabet = [...alphabet].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!);
  for (const ch of sortedAlphabet) addToken(ch);

  // ── 2. flatten the words into linked lists of symbol ids ─────────────────────────────────────
  let total = 0;
  for (const w of words) total += w.length;
  const sym = new Int32Array(total);
  const next = new Int32Array(total);
  const prev = new Int32Array(total);
  const wordStart = new Int32Array(words.length);
  const wordCount = Float64Array.from(counts);
  let pos = 0;
  for (let w = 0; w < words.length; w++) {
    const symbols = words[w]!;
    wordStart[w] = pos;
    for (let i = 0; i < symbols.length; i++, pos++) {
      sym[pos] = ids.get(symbols[i]!)!;
      prev[pos] = i === 0 ? -1 : pos - 1;
      next[pos] = i === symbols.length - 1 ? -1 : pos + 1;
    }
  }
  words.length = 0;

  // ── 3. count every adjacent pair once, remembering which words hold it ───────────────────────
  // Pairs get dense numbers; per pair: left, right, count, and the words it occurs in (a word may
  // be listed more than once or after the pair left it: merging checks, so the list is lazy).
  const pairIndex = new Map<number, number>();
  let pairLeft = new Int32Array(1 << 16);
  let pairRight = new Int32Array(1 << 16);
  let pairCount = new Float64Array(1 << 16);
  const pairWords: number[][] = [];
  const pairOf = (a: number, b: number): number => {
    const key = a * RIGHT + b;
    let p = pairIndex.get(key);
    if (p === undefined) {
      p = pairWords.length;
      if (p === pairLeft.length) {
        pairLeft = grown(pairLeft, p * 2);
        pairRight = grown(pairRight, p * 2);
        pairCount = grown(pairCount, p * 2);
      }
      pairLeft[p] = a;
      pairRight[p] = b;
      pairCount[p] = 0;
      pairWords.push([]);
      pairIndex.set(key, p);
    }
    return p;
  };
  for (let w = 0; w < wordStart.length; w++) {
    const c = wordCount[w]!;
    for (let i = wordStart[w]!; next[i] !== -1; i = next[i]!) {
      const p = pairOf(sym[i]!, sym[next[i]!]!);
      pairCount[p]! += c;
      const list = pairWords[p]!;
      if (list[list.length - 1] !== w) list.push(w);
    }
  }
  const heap = new PairHeap();
  for (let p = 0; p < pairWords.length; p++)
    heap.push(p, pairCount[p]!, pairLeft[p]! * RIGHT + pairRight[p]!);

  // ── 4. merge the best pair until the vocabulary is full ──────────────────────────────────────
  const merges: [string, string][] = [];
  const seenIn = new Int32Array(wordStart.length).fill(-1); // word w already rewritten by merge k
  let raised: number[] = []; // pairs whose count went up during this merge
  let raisedIn = new Int32Array(pairLeft.length).fill(-1); // pair p already in `raised` at merge raisedIn[p]
  const target = vocabSize - vocab.length;
  let k = 0;
  for (; vocab.length < vocabSize && heap.size > 0; ) {
    const stored = heap.topCount();
    const best = heap.pop();
    const actual = pairCount[best]!;
    if (stored !== actual) {
      if (actual > 0) heap.push(best, actual, pairLeft[best]! * RIGHT + pairRight[best]!);
      continue;
    }
    if (actual < minFrequency || actual <= 0) break;
    const a = pairLeft[best]!;
    const b = pairRight[best]!;
    merges.push([vocab[a]!, vocab[b]!]);
    const z = addToken(vocab[a]! + vocab[b]!);
    if (raisedIn.length < pairLeft.length) raisedIn = grown(raisedIn, pairLeft.length, -1);
    const bump = (x: number, y: number, c: number, w: number): void => {
      const p = pairOf(x, y);
      pairCount[p]! += c;
      if (c > 0) {
        const list = pairWords[p]!;
        if (list[list.length - 1] !== w) list.push(w);
        if (raisedIn[p] !== k) {
          if (p >= raisedIn.length) raisedIn = grown(raisedIn, pairLeft.length, -1);
          raisedIn[p] = k;
          raised.push(p);
        }
      }
    };
    for (const w of pairWords[best]!) {
      if (seenIn[w] === k) continue;
      seenIn[w] = k;
      const c = wordCount[w]!;
      for (let i = wordStart[w]!; i !== -1; ) {
        const j = next[i]!;
        if (j === -1) break;
        if (sym[i] !== a || sym[j] !== b) {
          i = j;
          continue;
        }
        // ... p [a b] n ...  ->  ... p [z] n ...
        const p = prev[i]!;
        const n = next[j]!;
        if (p !== -1) {
          bump(sym[p]!, a, -c, w);
          bump(sym[p]!, z, c, w);
        }
        if (n !== -1) {
          bump(b, sym[n]!, -c, w);
          bump(z, sym[n]!, c, w);
        }
        sym[i] = z;
        next[i] = n;
        if (n !== -1) prev[n] = i;
        i = n;
      }
    }
    pairWords[best] = [];
    pairCount[best] = 0;
    for (const p of raised) {
      if (pairCount[p]! > 0) heap.push(p, pairCount[p]!, pairLeft[p]! * RIGHT + pairRight[p]!);
    }
    raised = [];
    k++;
    if (onProgress && (k & 255) === 0) onProgress({ phase: 'merge', done: k, total: target });
  }
  onProgress?.({ phase: 'merge', done: target, total: target });
  return { vocab, merges };
}
