/**
 * The Unigram trainer, in SentencePiece's manner (Kudo 2018): start from a large seed vocabulary and
 * shrink it, keeping the pieces whose removal would hurt the likelihood of the corpus most.
 *
 * ```
 * seeds (≈180k substrings for Austen) ─► repeat: EM ×2 ─► prune to max(0.75 × size, 1.1 × vocabSize)
 *                                        until size ≤ 1.1 × vocabSize ─► finalize to vocabSize
 * ```
 *
 * - E-step: forward-backward over each word's lattice gives each piece's expected count.
 * - M-step (Bayesian, as SentencePiece): drop pieces expected fewer than 0.5 times, then
 *   `score = ψ(count) − ψ(Σ counts)` (ψ = digamma), which shrinks rare pieces harder than `log(c/Σ)`.
 * - Prune: for each piece, its best split into other pieces is the alternative; the loss of removing
 *   it is `F × (log p(piece) − Σ log p'(alternative pieces))`, with Viterbi frequencies and F the
 *   share of words whose best path uses the piece. Pieces the Viterbi path never uses go first.
 * - Finalize: every required character, then the best-scoring pieces, up to `vocabSize` with the
 *   special tokens (`<unk>` first) and, with byte fallback, `<0x00>`..`<0xFF>` counted in.
 *
 * Every word's lattice (`lattice.ts`, the model's own) is built once for the seed vocabulary, in
 * one flat {@link Lattice}: pieces only ever leave the vocabulary, so later rounds just score the
 * edges of pruned pieces as unusable (a pruned one-character piece stands for `<unk>`).
 */
import { TokenizerInputError } from '../../errors.js';
import { Trie } from '../../pipeline/trie.js';
import type { TrainProgress } from '../../trainers/progress.js';
import { backtrack, expectedCounts, Lattice, scoreEdges, viterbi } from './lattice.js';
import { makeSeeds } from './seeds.js';

/** Options of {@link trainUnigram}. */
export interface UnigramTrainerOptions {
  /**
   * Final vocabulary size, special tokens and byte pieces included. A corpus too small to offer
   * that many pieces gives a smaller vocabulary (as BPE stops when no pair repeats).
   */
  vocabSize: number;
  /** Special tokens placed first (score 0); the unknown token is added first if missing. Default `['<unk>']`. */
  specialTokens?: string[];
  /** Default `<unk>`. */
  unkToken?: string;
  /** Add `<0x00>`..`<0xFF>` after the special tokens so unknown characters become bytes. */
  byteFallback?: boolean;
  /** Share of character occurrences the required characters must cover (default 0.9995). */
  characterCoverage?: number;
  /** Longest piece in characters (default 16). */
  maxPieceLength?: number;
  /** Most seed pieces kept (default 1,000,000). */
  seedSize?: number;
  /** Each pruning round keeps this share of the pieces (default 0.75). */
  shrinkingFactor?: number;
  /** EM iterations between prunings (default 2). */
  subIterations?: number;
  /** Forbid pieces that mix letters, digits and other symbols (default true, as SentencePiece). */
  splitByClass?: boolean;
  onProgress?: (progress: TrainProgress) => void;
}

/** The trained vocabulary: `[piece, log probability]` in id order, and the id of the unknown token. */
export interface UnigramTrainResult {
  pieces: [string, number][];
  unkId: number;
}

/**
 * ψ(x), the digamma function (derivative of log Γ): the recurrence ψ(x) = ψ(x + 1) − 1/x up to
 * x ≥ 10, then the asymptotic series, good to ~1e-15.
 *
 * @example
 * ```ts
 * import { digamma } from '@llmforge/tokenizer';
 * console.log(digamma(1)); // -0.5772156649015329 (minus the Euler–Mascheroni constant)
 * ```
 */
export function digamma(x: number): number {
  let result = 0;
  for (; x < 10; x++) result -= 1 / x;
  const f = 1 / (x * x);
  return (
    result + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
  );
}

/**
 * Train a Unigram vocabulary from word counts (words already normalized and Metaspace-split, e.g.
 * `"▁the"`).
 *
 * @example
 * ```ts
 * import { trainUnigram } from '@llmforge/tokenizer';
 * const counts = new Map([['▁the', 50], ['▁then', 20], ['▁there', 20], ['▁hen', 10]]);
 * const { pieces } = trainUnigram(counts, { vocabSize: 12 });
 * console.log(pieces[0]); // ['<unk>', 0]
 * ```
 */
export function trainUnigram(
  wordCounts: Iterable<[string, number]>,
  options: UnigramTrainerOptions,
): UnigramTrainResult {
  const {
    vocabSize,
    unkToken = '<unk>',
    byteFallback = false,
    characterCoverage = 0.9995,
    maxPieceLength = 16,
    seedSize = 1_000_000,
    shrinkingFactor = 0.75,
    subIterations = 2,
    splitByClass = true,
    onProgress,
  } = options;
  const specials = [unkToken, ...(options.specialTokens ?? []).filter((t) => t !== unkToken)];
  const bytePieces = byteFallback
    ? Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)
    : [];
  const target = vocabSize - specials.length - bytePieces.length;
  if (!Number.isInteger(vocabSize) || target < 1) {
    throw new TokenizerInputError({
      operation: 'trainUnigram',
      expected: `vocabSize an integer above ${specials.length + bytePieces.length} (special tokens + byte pieces)`,
      found: String(vocabSize),
      hint: 'a few thousand is typical',
    });
  }

  // ── seeds and lattices ───────────────────────────────────────────────────────────────────────
  onProgress?.({ phase: 'seed', done: 0, total: 1 });
  const words: Int32Array[] = [];
  const countList: number[] = [];
  for (const [word, count] of wordCounts) {
    if (word.length === 0) continue;
    words.push(Int32Array.from(Array.from(word), (ch) => ch.codePointAt(0)!));
    countList.push(count);
  }
  const counts = Float64Array.from(countList);
  const seeds = makeSeeds(words, counts, { characterCoverage, maxPieceLength, seedSize, splitByClass });
  const { pieces, requiredChars } = seeds;
  const scores = seeds.scores;
  const pieceIndex = new Map<string, number>();
  const trie = new Trie();
  for (let i = 0; i < pieces.length; i++) {
    pieceIndex.set(pieces[i]!, i);
    trie.insert(pieces[i]!, i, 'codePoint');
  }
  const lattice = new Lattice();
  for (const w of words) lattice.addText(w, w.length, trie, 'codePoint', maxPieceLength);
  lattice.trim();
  words.length = 0;
  onProgress?.({ phase: 'seed', done: 1, total: 1 });

  const alive = new Uint8Array(pieces.length).fill(1);
  const scratch = new Lattice(); // for `bestAlternative` while pruning
  let aliveCount = pieces.length;
  const minScore = (): number => {
    let m = 0;
    for (let i = 0; i < scores.length; i++) if (alive[i] === 1 && scores[i]! < m) m = scores[i]!;
    return m;
  };
  const desired = Math.floor(target * 1.1);

  // ── EM rounds with pruning ───────────────────────────────────────────────────────────────────
  for (let round = 0; ; round++) {
    for (let it = 0; it < subIterations; it++) {
      const expected = new Float64Array(pieces.length);
      const edgeScores = scoreEdges(lattice, scores, alive, minScore() - 10);
      expectedCounts(lattice, edgeScores, alive, counts, expected);
      // M-step: drop pieces expected < 0.5 times, Bayesian (digamma) re-estimate of the rest.
      let sum = 0;
      for (let i = 0; i < pieces.length; i++) {
        if (alive[i] !== 1) continue;
        if (expected[i]! < 0.5) {
          alive[i] = 0;
          aliveCount--;
        } else sum += expected[i]!;
      }
      const logSum = digamma(sum);
      for (let i = 0; i < pieces.length; i++) if (alive[i] === 1) scores[i] = digamma(expected[i]!) - logSum;
      onProgress?.({ phase: 'em', done: round * subIterations + it + 1, total: 0 });
    }
    if (aliveCount <= desired) break;
    const before = aliveCount;
    aliveCount = prune(Math.max(desired, Math.floor(shrinkingFactor * aliveCount)));
    onProgress?.({ phase: 'prune', done: aliveCount, total: desired });
    // Pieces nothing can replace (single characters) are never pruned: with more required
    // characters than the budget, pruning stalls and finalize keeps the most frequent ones.
    if (aliveCount >= before) break;
  }

  function prune(keep: number): number {
    const unkScore = minScore() - 10;
    const freq = new Float64Array(pieces.length);
    const wordsWith = new Float64Array(pieces.length);
    viterbiCounts(lattice, scoreEdges(lattice, scores, alive, unkScore), alive, counts, freq, wordsWith);
    let sum = 0;
    let wordTotal = 0;
    for (let i = 0; i < pieces.length; i++) if (alive[i] === 1) sum += freq[i]!;
    for (let w = 0; w < counts.length; w++) wordTotal += counts[w]!;
    const kept: number[] = [];
    const candidates: [number, number][] = [];
    for (let i = 0; i < pieces.length; i++) {
      if (alive[i] !== 1 || freq[i] === 0) continue;
      const cps = Int32Array.from(Array.from(pieces[i]!), (ch) => ch.codePointAt(0)!);
      const alt = cps.length > 1 ? bestAlternative(cps, i, trie, alive, scores, scratch) : null;
      if (alt === null) {
        kept.push(i); // nothing can replace it
        continue;
      }
      if (alt.score > scores[i]!) continue; // its own text prefers a split: never on a best path
      const f = wordsWith[i]! / wordTotal;
      const logProb = Math.log(freq[i]!) - Math.log(sum);
      const logSumAlt = Math.log(sum + freq[i]! * (alt.pieces.length - 1));
      let logProbAlt = 0;
      for (const p of alt.pieces) logProbAlt += Math.log(freq[p]! + freq[i]!) - logSumAlt;
      candidates.push([i, f * (logProb - logProbAlt)]);
    }
    candidates.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    for (const [i] of candidates) {
      if (kept.length >= keep) break;
      kept.push(i);
    }
    alive.fill(0);
    for (const i of kept) alive[i] = 1;
    return kept.length;
  }

  // ── finalize: required characters, then the best pieces ─────────────────────────────────────
  const final = new Map<string, number>();
  const floor = minScore();
  let penalty = 0;
  for (const ch of requiredChars) {
    if (final.size >= target) break;
    const i = pieceIndex.get(ch)!;
    if (alive[i] === 1) final.set(ch, scores[i]!);
    else {
      penalty += 1e-4; // below every learned piece, in frequency order
      final.set(ch, floor - penalty);
    }
  }
  const order = [...alive.keys()]
    .filter((i) => alive[i] === 1)
    .sort((x, y) => scores[y]! - scores[x]! || x - y);
  for (const i of order) {
    if (final.size >= target) break;
    if (!final.has(pieces[i]!)) final.set(pieces[i]!, scores[i]!);
  }
  const learned = [...final].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const result: [string, number][] = [
    ...specials.map((s): [string, number] => [s, 0]),
    ...bytePieces.map((s): [string, number] => [s, 0]),
    ...learned,
  ];
  return { pieces: result, unkId: 0 };
}

/**
 * Viterbi over every word: `freq[p]` += word count for each use of piece p on the word's best path,
 * `wordsWith[p]` += word count once per word whose best path uses p (live pieces only).
 */
export function viterbiCounts(
  l: Lattice,
  edgeScores: Float64Array,
  alive: Uint8Array,
  counts: Float64Array,
  freq: Float64Array,
  wordsWith: Float64Array,
): void {
  const best = new Float64Array(l.maxLength + 1);
  const back = new Int32Array(l.maxLength + 1);
  const stamp = new Int32Array(freq.length).fill(-1);
  for (let w = 0; w < l.textCount; w++) {
    viterbi(l, w, edgeScores, best, back);
    const c = counts[w]!;
    for (let pos = l.length(w); pos > 0; ) {
      const e = back[pos]!;
      const p = l.piece[e]!;
      if (p >= 0 && alive[p] === 1) {
        freq[p]! += c;
        if (stamp[p] !== w) {
          stamp[p] = w;
          wordsWith[p]! += c;
        }
      }
      pos = l.start[e]!;
    }
  }
}

/**
 * The best segmentation of one piece's own text (`cps`, its code points) by the other live pieces,
 * as piece indices, with its score; `null` when no such path exists (no `<unk>` here). `scratch` is
 * a lattice to build it in.
 */
export function bestAlternative(
  cps: Int32Array,
  self: number,
  trie: Trie,
  alive: Uint8Array,
  scores: Float64Array,
  scratch: Lattice = new Lattice(),
): { pieces: number[]; score: number } | null {
  const n = cps.length;
  scratch.clear();
  scratch.addText(cps, n, trie, 'codePoint');
  const edgeScores = new Float64Array(scratch.size);
  for (let e = 0; e < scratch.size; e++) {
    const p = scratch.piece[e]!;
    edgeScores[e] = p >= 0 && p !== self && alive[p] === 1 ? scores[p]! : Number.NaN;
  }
  const best = new Float64Array(n + 1);
  const back = new Int32Array(n + 1);
  const score = viterbi(scratch, 0, edgeScores, best, back);
  if (score === Number.NEGATIVE_INFINITY) return null;
  return { pieces: backtrack(scratch, back, n).map((e) => scratch.piece[e]!), score };
}
