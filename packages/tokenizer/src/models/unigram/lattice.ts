/**
 * The Unigram lattice and what is computed over it, for the model (one text at a time) and the
 * trainer (every word of the corpus at once) alike.
 *
 * The lattice of a text is every way to cut it into vocabulary pieces: an edge `(start, end, piece)`
 * for each piece that matches at `start`. For `▁hat` with pieces ▁ ▁h h a t at hat:
 *
 * ```
 * pos   0   1   2   3   4
 *       ▁   h   a   t
 * edges (0,1,▁) (0,2,▁h) (1,2,h) (1,4,hat) (2,3,a) (2,4,at) (3,4,t)
 * ```
 *
 * A position where no one-character piece starts gets an `<unk>` edge (piece -1) over that
 * character, so every text has a path. Edges are stored in flat arrays, text after text, sorted by
 * start and then end. Over them:
 *
 * - {@link viterbi}: the best path, `best[e] = max over edges (s, e) of best[s] + score`;
 * - {@link nBest}: the n best paths (exact k-best dynamic programming);
 * - {@link sample}: a path drawn with P ∝ exp(alpha × score) (forward filtering, backward sampling);
 * - {@link expectedCounts}: forward-backward, each piece's expected count (the trainer's E-step).
 *
 * Scores come per edge ({@link scoreEdges}), NaN for an edge that may not be used (a piece the
 * trainer pruned), so the same code serves the model's fixed scores and the trainer's changing ones.
 */
import type { Trie } from '../../pipeline/trie.js';
import { grown } from '../../pipeline/typed-arrays.js';

/** Edges of one or many texts' lattices (see the file comment). */
export class Lattice {
  /** Edge e covers symbols `[start[e], end[e])` of its text and is piece `piece[e]` (-1: `<unk>`). */
  start: Int32Array = new Int32Array(256);
  end: Int32Array = new Int32Array(256);
  piece: Int32Array = new Int32Array(256);
  /** Number of edges. */
  size = 0;
  /** The longest text added. */
  maxLength = 0;
  private textStart: Int32Array = new Int32Array(16);
  private textLength: Int32Array = new Int32Array(16);
  private texts = 0;

  /** Number of texts added. */
  get textCount(): number {
    return this.texts;
  }

  /** Length of text `t` in symbols. */
  length(t: number): number {
    return this.textLength[t]!;
  }

  /** The first edge of text `t`; its edges are `[firstEdge(t), firstEdge(t + 1))`. */
  firstEdge(t: number): number {
    return t < this.texts ? this.textStart[t]! : this.size;
  }

  /** Forgets every text (the buffers stay, for reuse). */
  clear(): void {
    this.size = 0;
    this.texts = 0;
    this.maxLength = 0;
  }

  /**
   * Adds the lattice of one text, given as `length` symbols, UTF-16 units or code points as the trie
   * was built (`by`): every piece of `trie` that starts at a character, up to `maxPieceLength`
   * symbols, plus the `<unk>` edges. A character is one code point, or in UTF-16 a high surrogate
   * and the unit after it. Returns the position of the first `<unk>` edge, or -1 when the
   * vocabulary covers the text.
   */
  addText(
    symbols: ArrayLike<number>,
    length: number,
    trie: Trie,
    by: 'unit' | 'codePoint',
    maxPieceLength = Number.POSITIVE_INFINITY,
  ): number {
    if (this.texts === this.textStart.length) {
      this.textStart = grown(this.textStart, this.texts * 2);
      this.textLength = grown(this.textLength, this.texts * 2);
    }
    this.textStart[this.texts] = this.size;
    this.textLength[this.texts++] = length;
    if (length > this.maxLength) this.maxLength = length;
    let firstUnknown = -1;
    for (let s = 0; s < length; s++) {
      let charEnd = s + 1;
      if (by === 'unit') {
        const c = symbols[s]!;
        // A low surrogate after a high one is inside a character: no edge starts there.
        if (s > 0 && isLow(c) && isHigh(symbols[s - 1]!)) continue;
        if (isHigh(c) && s + 1 < length) charEnd = s + 2;
      }
      let covered = false; // a piece is exactly this character, or an <unk> edge was added for it
      let node = 0;
      for (let e = s; e < length && e - s < maxPieceLength; e++) {
        node = trie.child(node, symbols[e]!);
        if (node < 0) break;
        const id = trie.value(node);
        if (e + 1 === charEnd && id < 0) {
          this.push(s, charEnd, -1);
          if (firstUnknown < 0) firstUnknown = s;
          covered = true;
        }
        if (id < 0) continue;
        if (e + 1 === charEnd) covered = true;
        this.push(s, e + 1, id);
      }
      if (!covered) {
        this.push(s, charEnd, -1);
        if (firstUnknown < 0) firstUnknown = s;
      }
    }
    return firstUnknown;
  }

  /** Drops the unused tail of the edge buffers (after building a large lattice once). */
  trim(): void {
    this.start = this.start.slice(0, this.size);
    this.end = this.end.slice(0, this.size);
    this.piece = this.piece.slice(0, this.size);
  }

  private push(s: number, e: number, p: number): void {
    const n = this.size;
    if (n === this.piece.length) {
      this.start = grown(this.start, n * 2);
      this.end = grown(this.end, n * 2);
      this.piece = grown(this.piece, n * 2);
    }
    this.start[n] = s;
    this.end[n] = e;
    this.piece[n] = p;
    this.size = n + 1;
  }
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * The score of every edge: its piece's score, `unkScore` for `<unk>` edges, NaN for an unusable
 * edge. With `alive`, a pruned piece's edge is unusable, except one symbol long: it stands for
 * `<unk>` then, so that every text keeps a path.
 */
export function scoreEdges(
  l: Lattice,
  pieceScores: Float64Array,
  alive: Uint8Array | null,
  unkScore: number,
  out: Float64Array = new Float64Array(l.size),
): Float64Array {
  for (let e = 0; e < l.size; e++) {
    const p = l.piece[e]!;
    if (p >= 0 && (alive === null || alive[p] === 1)) out[e] = pieceScores[p]!;
    else out[e] = p < 0 || l.end[e]! - l.start[e]! === 1 ? unkScore : Number.NaN;
  }
  return out;
}

/**
 * Viterbi over text `t`: fills `best[pos]` (the best score of a path to `pos`) and `back[pos]` (the
 * last edge of that path) for `pos` in `[0, length]`, and returns the best score of the whole text
 * (-Infinity when no path uses only usable edges). Ties go to the edge met first. `best` and `back`
 * must hold `length + 1` entries.
 */
export function viterbi(
  l: Lattice,
  t: number,
  scores: Float64Array,
  best: Float64Array,
  back: Int32Array,
): number {
  const n = l.length(t);
  best.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
  best[0] = 0;
  const last = l.firstEdge(t + 1);
  for (let e = l.firstEdge(t); e < last; e++) {
    const s = scores[e]!;
    if (Number.isNaN(s)) continue;
    const to = l.end[e]!;
    const v = best[l.start[e]!]! + s;
    if (v > best[to]!) {
      best[to] = v;
      back[to] = e;
    }
  }
  return best[n]!;
}

/** The edges of the path ending at `end` that `back` (from {@link viterbi}) records, first to last. */
export function backtrack(l: Lattice, back: Int32Array, end: number): number[] {
  const path: number[] = [];
  for (let pos = end; pos > 0; pos = l.start[path[path.length - 1]!]!) path.push(back[pos]!);
  return path.reverse();
}

/** One path of {@link nBest} or {@link sample}: its edges, first to last, and its total score. */
export interface LatticePath {
  edges: number[];
  score: number;
}

/**
 * The `n` best paths of text `t`, best first: every position keeps its `n` best partial paths, as
 * `[score, edge, rank of the partial path at the edge's start]`.
 */
export function nBest(l: Lattice, t: number, scores: Float64Array, n: number): LatticePath[] {
  const len = l.length(t);
  const kbest: [number, number, number][][] = Array.from({ length: len + 1 }, () => []);
  kbest[0]!.push([0, -1, -1]);
  // Edges are ordered by start, so every list at `start` is final when its edges are read.
  const last = l.firstEdge(t + 1);
  for (let k = l.firstEdge(t); k < last; k++) {
    const list = kbest[l.end[k]!]!;
    const src = kbest[l.start[k]!]!;
    for (let r = 0; r < src.length; r++) {
      const score = src[r]![0] + scores[k]!;
      if (list.length === n && score <= list[n - 1]![0]) break;
      let at = list.length;
      while (at > 0 && list[at - 1]![0] < score) at--;
      list.splice(at, 0, [score, k, r]);
      if (list.length > n) list.pop();
    }
  }
  return kbest[len]!.map(([score, edge, rank]) => {
    const edges: number[] = [];
    for (let e = edge, r = rank; e >= 0; ) {
      edges.push(e);
      const entry: [number, number, number] = kbest[l.start[e]!]![r]!;
      e = entry[1];
      r = entry[2];
    }
    return { edges: edges.reverse(), score };
  });
}

/**
 * Draws one path of text `t` with P(path) ∝ exp(alpha × score(path)), by forward filtering and
 * backward sampling:
 *
 *   forward   a[0] = 0,  a[e] = logsumexp over edges (s, e) of a[s] + alpha × score
 *   backward  from the end, pick the edge (s, e) ending here with probability
 *             exp(a[s] + alpha × score − a[e]), continue from s
 *
 * The returned score is the path's plain score (without alpha).
 */
export function sample(
  l: Lattice,
  t: number,
  scores: Float64Array,
  alpha: number,
  rng: () => number,
): LatticePath {
  const len = l.length(t);
  const fwd = new Float64Array(len + 1).fill(Number.NEGATIVE_INFINITY);
  fwd[0] = 0;
  const byEnd: number[][] = Array.from({ length: len + 1 }, () => []);
  const last = l.firstEdge(t + 1);
  for (let k = l.firstEdge(t); k < last; k++) {
    const e = l.end[k]!;
    byEnd[e]!.push(k);
    fwd[e] = logAddExp(fwd[e]!, fwd[l.start[k]!]! + alpha * scores[k]!);
  }
  const edges: number[] = [];
  let score = 0;
  for (let pos = len; pos > 0; ) {
    const ending = byEnd[pos]!;
    let u = rng();
    let chosen = ending[ending.length - 1]!;
    for (const k of ending) {
      u -= Math.exp(fwd[l.start[k]!]! + alpha * scores[k]! - fwd[pos]!);
      if (u < 0) {
        chosen = k;
        break;
      }
    }
    edges.push(chosen);
    score += scores[chosen]!;
    pos = l.start[chosen]!;
  }
  return { edges: edges.reverse(), score };
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Forward-backward over every text (the trainer's E-step): adds `weight[t] × P(edge on the path of
 * text t)` to `expected[piece]` for every edge of a live piece (`alive`, as given to
 * {@link scoreEdges}), and returns the total log likelihood `Σ weight[t] × log Z(text t)`.
 */
export function expectedCounts(
  l: Lattice,
  scores: Float64Array,
  alive: Uint8Array,
  weight: Float64Array,
  expected: Float64Array,
): number {
  const probs = new Float64Array(l.size);
  let minEdge = 0;
  for (let e = 0; e < l.size; e++) {
    const s = scores[e]!;
    if (!Number.isNaN(s)) {
      probs[e] = Math.exp(s);
      if (s < minEdge) minEdge = s;
    }
  }
  // A path through n characters has at most n edges, so its probability is at least
  // exp(n × minEdge): while that stays above ~1e-304 the pass runs on plain probabilities (no
  // log/exp per edge); longer words take the log-space pass.
  const safeLength = minEdge < 0 ? Math.floor(-700 / minEdge) : Number.POSITIVE_INFINITY;
  const alpha = new Float64Array(l.maxLength + 1);
  const beta = new Float64Array(l.maxLength + 1);
  const { start, end, piece } = l;
  let likelihood = 0;
  for (let t = 0; t < l.textCount; t++) {
    const n = l.length(t);
    const first = l.firstEdge(t);
    const last = l.firstEdge(t + 1);
    const freq = weight[t]!;
    if (n <= safeLength) {
      alpha.fill(0, 0, n + 1);
      beta.fill(0, 0, n + 1);
      alpha[0] = 1;
      beta[n] = 1;
      for (let e = first; e < last; e++) alpha[end[e]!]! += alpha[start[e]!]! * probs[e]!;
      for (let e = last - 1; e >= first; e--) beta[start[e]!]! += probs[e]! * beta[end[e]!]!;
      const z = alpha[n]!;
      likelihood += freq * Math.log(z);
      const scale = freq / z;
      for (let e = first; e < last; e++) {
        const p = piece[e]!;
        if (p < 0 || alive[p] !== 1) continue;
        expected[p]! += scale * alpha[start[e]!]! * probs[e]! * beta[end[e]!]!;
      }
      continue;
    }
    alpha.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    beta.fill(Number.NEGATIVE_INFINITY, 0, n + 1);
    alpha[0] = 0;
    beta[n] = 0;
    for (let e = first; e < last; e++) {
      const s = scores[e]!;
      if (Number.isNaN(s)) continue; // unusable edge
      const to = end[e]!;
      alpha[to] = logAddExp(alpha[to]!, alpha[start[e]!]! + s);
    }
    for (let e = last - 1; e >= first; e--) {
      const s = scores[e]!;
      if (Number.isNaN(s)) continue;
      const from = start[e]!;
      beta[from] = logAddExp(beta[from]!, s + beta[end[e]!]!);
    }
    const z = alpha[n]!;
    likelihood += freq * z;
    for (let e = first; e < last; e++) {
      const s = scores[e]!;
      const p = piece[e]!;
      if (Number.isNaN(s) || p < 0 || alive[p] !== 1) continue;
      expected[p]! += freq * Math.exp(alpha[start[e]!]! + s + beta[end[e]!]! - z);
    }
  }
  return likelihood;
}
