/**
 * Unigram training, step 2: the lattice of every word, built once for the seed vocabulary.
 *
 * The lattice of a word is every way to cut it into vocabulary pieces: an edge `(start, end, piece)`
 * for each piece that matches at `start`. For `▁hat` with pieces ▁ ▁h h a t at hat:
 *
 * ```
 * pos   0   1   2   3   4
 *       ▁   h   a   t
 * edges (0,1,▁) (0,2,▁h) (1,2,h) (1,4,hat) (2,3,a) (2,4,at) (3,4,t)
 * ```
 *
 * Pieces only ever leave the vocabulary during training, so the edges are found once (a walk down
 * the {@link PieceTrie} from each position) and later rounds just skip edges whose piece is dead. A single-character
 * edge whose piece is dead or unknown stands for `<unk>`, so every word always has a path.
 *
 * The forward-backward pass (E-step) gives the expected count of each piece, `Σ_words freq ×
 * P(piece used | word)`, with P from the path probabilities `Π exp(score)`; Viterbi gives the best
 * path, used when pruning.
 */

import type { PieceTrie } from './piece-trie.js';

/** All words' lattices in flat arrays; edges of word w are `[edgeOffset[w], edgeOffset[w + 1])`, sorted by start. */
export interface Lattices {
  wordLength: Int32Array;
  wordCount: Float64Array;
  edgeOffset: Int32Array;
  edgeStart: Int32Array;
  edgeEnd: Int32Array;
  /** Piece index, or -1 for a character missing from the seeds (always `<unk>`). */
  edgePiece: Int32Array;
  maxLength: number;
}

/** Find every seed piece in every word (words as code points). */
export function buildLattices(
  words: readonly Int32Array[],
  counts: Float64Array,
  trie: PieceTrie,
  maxPieceLength: number,
): Lattices {
  let maxLength = 0;
  for (const w of words) maxLength = Math.max(maxLength, w.length);
  // Growable typed buffers: a 20 MB corpus has millions of edges.
  let start = new Int32Array(1 << 16);
  let end = new Int32Array(1 << 16);
  let piece = new Int32Array(1 << 16);
  let n = 0;
  const push = (s: number, e: number, p: number): void => {
    if (n === piece.length) {
      const grow = <T extends Int32Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      start = grow(start, new Int32Array(n * 2));
      end = grow(end, new Int32Array(n * 2));
      piece = grow(piece, new Int32Array(n * 2));
    }
    start[n] = s;
    end[n] = e;
    piece[n++] = p;
  };
  const edgeOffset = new Int32Array(words.length + 1);
  const wordLength = new Int32Array(words.length);
  for (let w = 0; w < words.length; w++) {
    const cps = words[w]!;
    wordLength[w] = cps.length;
    edgeOffset[w] = n;
    for (let i = 0; i < cps.length; i++) {
      let node = 0;
      for (let j = i; j < cps.length && j - i < maxPieceLength; j++) {
        node = trie.child(node, cps[j]!);
        if (node === -1) {
          if (j === i) push(i, i + 1, -1); // a character with no piece: <unk>
          break;
        }
        const id = trie.piece(node);
        if (id !== -1) push(i, j + 1, id);
        else if (j === i) push(i, i + 1, -1);
      }
    }
  }
  edgeOffset[words.length] = n;
  return {
    wordLength,
    wordCount: counts,
    edgeOffset,
    edgeStart: start.slice(0, n),
    edgeEnd: end.slice(0, n),
    edgePiece: piece.slice(0, n),
    maxLength,
  };
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Score of an edge under the current model, or NaN when the edge is not usable. */
function edgeScore(
  l: Lattices,
  e: number,
  alive: Uint8Array,
  scores: Float64Array,
  unkScore: number,
): number {
  const p = l.edgePiece[e]!;
  if (p >= 0 && alive[p] === 1) return scores[p]!;
  return l.edgeEnd[e]! - l.edgeStart[e]! === 1 ? unkScore : Number.NaN;
}

/**
 * E-step: add `freq × marginal` of every live piece to `expected`; returns the total log likelihood
 * `Σ freq × log Z(word)`.
 */
export function expectedCounts(
  l: Lattices,
  alive: Uint8Array,
  scores: Float64Array,
  unkScore: number,
  expected: Float64Array,
): number {
  const edgeScores = new Float64Array(l.edgePiece.length);
  const edgeProbs = new Float64Array(l.edgePiece.length);
  let minEdge = 0;
  for (let e = 0; e < edgeScores.length; e++) {
    const s = edgeScore(l, e, alive, scores, unkScore);
    edgeScores[e] = s;
    if (!Number.isNaN(s)) {
      edgeProbs[e] = Math.exp(s);
      if (s < minEdge) minEdge = s;
    }
  }
  // A path through n characters has at most n edges, so its probability is at least
  // exp(n × minEdge): while that stays above ~1e-304 the pass runs on plain probabilities (no
  // log/exp per edge); longer words take the log-space pass.
  const safeLength = minEdge < 0 ? Math.floor(-700 / minEdge) : Number.POSITIVE_INFINITY;
  const alpha = new Float64Array(l.maxLength + 1);
  const beta = new Float64Array(l.maxLength + 1);
  let likelihood = 0;
  for (let w = 0; w < l.wordLength.length; w++) {
    const n = l.wordLength[w]!;
    const first = l.edgeOffset[w]!;
    const last = l.edgeOffset[w + 1]!;
    const freq = l.wordCount[w]!;
    if (n <= safeLength) {
      alpha.fill(0, 0, n + 1);
      beta.fill(0, 0, n + 1);
      alpha[0] = 1;
      beta[n] = 1;
      for (let e = first; e < last; e++) alpha[l.edgeEnd[e]!]! += alpha[l.edgeStart[e]!]! * edgeProbs[e]!;
      for (let e = last - 1; e >= first; e--) beta[l.edgeStart[e]!]! += edgeProbs[e]! * beta[l.edgeEnd[e]!]!;
      const z = alpha[n]!;
      likelihood += freq * Math.log(z);
      const scale = freq / z;
      for (let e = first; e < last; e++) {
        const p = l.edgePiece[e]!;
        if (p < 0 || alive[p] !== 1) continue;
        expected[p]! += scale * alpha[l.edgeStart[e]!]! * edgeProbs[e]! * beta[l.edgeEnd[e]!]!;
      }
      continue;
    }
    alpha.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    beta.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    alpha[0] = 0;
    beta[n] = 0;
    for (let e = first; e < last; e++) {
      const s = edgeScores[e]!;
      if (Number.isNaN(s)) continue; // dead edge
      const to = l.edgeEnd[e]!;
      alpha[to] = logAddExp(alpha[to]!, alpha[l.edgeStart[e]!]! + s);
    }
    for (let e = last - 1; e >= first; e--) {
      const s = edgeScores[e]!;
      if (Number.isNaN(s)) continue;
      const from = l.edgeStart[e]!;
      beta[from] = logAddExp(beta[from]!, s + beta[l.edgeEnd[e]!]!);
    }
    const z = alpha[n]!;
    likelihood += freq * z;
    for (let e = first; e < last; e++) {
      const s = edgeScores[e]!;
      const p = l.edgePiece[e]!;
      if (Number.isNaN(s) || p < 0 || alive[p] !== 1) continue;
      expected[p]! += freq * Math.exp(alpha[l.edgeStart[e]!]! + s + beta[l.edgeEnd[e]!]! - z);
    }
  }
  return likelihood;
}

/**
 * Viterbi over every word: `freq[p]` += word count for each use of piece p on the best path,
 * `wordsWith[p]` += word count once per word whose best path uses p.
 */
export function viterbiCounts(
  l: Lattices,
  alive: Uint8Array,
  scores: Float64Array,
  unkScore: number,
  freq: Float64Array,
  wordsWith: Float64Array,
): void {
  const best = new Float64Array(l.maxLength + 1);
  const back = new Int32Array(l.maxLength + 1);
  const stamp = new Int32Array(freq.length).fill(-1);
  for (let w = 0; w < l.wordLength.length; w++) {
    const n = l.wordLength[w]!;
    best.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    best[0] = 0;
    for (let e = l.edgeOffset[w]!; e < l.edgeOffset[w + 1]!; e++) {
      const s = edgeScore(l, e, alive, scores, unkScore);
      if (Number.isNaN(s)) continue;
      const to = l.edgeEnd[e]!;
      const v = best[l.edgeStart[e]!]! + s;
      if (v > best[to]!) {
        best[to] = v;
        back[to] = e;
      }
    }
    const c = l.wordCount[w]!;
    for (let pos = n; pos > 0; ) {
      const e = back[pos]!;
      const p = l.edgePiece[e]!;
      if (p >= 0 && alive[p] === 1) {
        freq[p]! += c;
        if (stamp[p] !== w) {
          stamp[p] = w;
          wordsWith[p]! += c;
        }
      }
      pos = l.edgeStart[e]!;
    }
  }
}

/**
 * Best segmentation of one piece's own text by the other live pieces (the piece itself excluded),
 * as piece indices, with its score; `null` when no such path exists.
 */
export function bestAlternative(
  cps: Int32Array,
  self: number,
  trie: PieceTrie,
  alive: Uint8Array,
  scores: Float64Array,
): { pieces: number[]; score: number } | null {
  const n = cps.length;
  const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
  const back = new Int32Array(n + 1);
  const backPiece = new Int32Array(n + 1);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === Number.NEGATIVE_INFINITY) continue;
    for (let j = i, node = 0; j < n; j++) {
      node = trie.child(node, cps[j]!);
      if (node === -1) break;
      const p = trie.piece(node);
      if (p === -1 || p === self || alive[p] !== 1) continue;
      const v = best[i]! + scores[p]!;
      if (v > best[j + 1]!) {
        best[j + 1] = v;
        back[j + 1] = i;
        backPiece[j + 1] = p;
      }
    }
  }
  if (best[n] === Number.NEGATIVE_INFINITY) return null;
  const pieces: number[] = [];
  for (let pos = n; pos > 0; pos = back[pos]!) pieces.push(backPiece[pos]!);
  return { pieces: pieces.reverse(), score: best[n]! };
}
