/**
 * The Unigram language-model tokenizer (Kudo 2018; SentencePiece's default, HF's `Unigram`).
 *
 * Every piece has a log-probability. A text's tokenization is the path through its LATTICE (every
 * vocabulary piece at every position) with the highest total score:
 *
 *   vocab  ▁the -3.8  ▁t -6.0  he -5.5  h -7  e -6  ▁ -3.5  t -6.1
 *   "▁the": paths  ▁the (-3.8) | ▁t he (-11.5) | ▁ t he (-15.1) | ...   ->  best: [▁the]
 *
 * Viterbi finds it in one left-to-right pass: best[e] = max over pieces (s, e) of best[s] + score.
 * A position where no one-character piece starts gets an <unk> node scoring `min score - 10`
 * (SentencePiece's penalty); adjacent unknowns are fused into one <unk>, and with `byteFallback` an
 * <unk> becomes the `<0xAB>` pieces of its UTF-8 bytes ("€" -> <0xE2> <0x82> <0xAC>).
 *
 * Subword regularization: `encodeNBest(text, n)` gives the n best paths; `sampleEncode` draws a path
 * with probability proportional to exp(alpha * score), over the whole lattice (forward-filtering
 * backward-sampling) or over the n best.
 */
import { TokenizerFormatError, TokenizerInputError } from '../errors.js';
import { arr, asObject, badField, optBool, optNum } from '../formats/json-fields.js';
import type { Model, ModelToken, Normalizer, PreTokenizer } from '../pipeline/types.js';

/** Options of {@link Unigram}. */
export interface UnigramOptions {
  /** Id of the unknown piece; `null` = none (unknown characters then raise). Default 0 when pieces exist. */
  unkId?: number | null;
  /** Spell unknown characters as `<0xAB>` byte pieces when they exist. Default false. */
  byteFallback?: boolean;
  /**
   * Ids that never match text (SentencePiece's control, unknown, byte and unused pieces). HF matches
   * every piece, which is the default.
   */
  unmatchable?: Iterable<number>;
}

/** One path of the lattice. */
export interface UnigramPath {
  ids: number[];
  tokens: string[];
  /** Sum of the piece scores (unknowns scored as `minScore - 10`). */
  score: number;
}

/** Options of {@link Unigram.sampleEncode}. */
export interface SampleOptions {
  /** Inverse temperature: 0 = uniform over paths, large = always the Viterbi path. Default 0.1. */
  alpha?: number;
  /** < 0: sample from the whole lattice; 0 or 1: Viterbi; n > 1: sample among the n best. Default -1. */
  nbestSize?: number;
  /** A uniform [0, 1) generator, or a seed for the built-in one. */
  rng?: (() => number) | number;
}

/** Penalty SentencePiece and HF give unknown characters, below the lowest piece score. */
export const UNK_PENALTY = 10;

/** mulberry32: a small seeded uniform generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The lattice of one text: every (start, end, id, score) edge, unknown nodes included. */
interface Lattice {
  n: number;
  starts: number[];
  ends: number[];
  ids: number[];
  scores: number[];
}

/**
 * @example
 * ```ts
 * const m = new Unigram([['<unk>', 0], ['▁the', -3], ['▁', -4], ['t', -5], ['h', -5], ['e', -5]], { unkId: 0 });
 * m.tokenize('▁the').map((t) => t.value) // ['▁the']
 * m.encodeNBest('▁the', 2).map((p) => p.tokens) // [['▁the'], ['▁', 't', 'h', 'e']]
 * ```
 */
export class Unigram implements Model {
  readonly type = 'Unigram';
  readonly pieces: readonly string[];
  readonly scores: Float64Array;
  readonly unkId: number | null;
  readonly byteFallback: boolean;
  readonly minScore: number;
  private readonly vocab = new Map<string, number>();
  // Trie over UTF-16 units: edges in one Map keyed `node * 65536 + unit`; tokenAt[node] = id or -1.
  private readonly edges = new Map<number, number>();
  private tokenAt: number[] = [-1];
  private readonly byteIds: Int32Array | null;
  private readonly cache = new Map<string, number[]>();
  private readonly tokenCache = new Map<string, ModelToken[]>();

  constructor(pieces: [string, number][], options: UnigramOptions = {}) {
    this.pieces = pieces.map((p) => p[0]);
    this.scores = Float64Array.from(pieces, (p) => p[1]);
    this.unkId = options.unkId === undefined ? (pieces.length > 0 ? 0 : null) : options.unkId;
    if (this.unkId !== null && (this.unkId < 0 || this.unkId >= pieces.length))
      throw new TokenizerInputError({
        operation: 'new Unigram',
        expected: `unkId in [0, ${pieces.length})`,
        found: String(this.unkId),
        hint: 'pass the index of the <unk> piece, or null for none',
      });
    this.byteFallback = options.byteFallback ?? false;
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.scores) if (s < min) min = s;
    this.minScore = Number.isFinite(min) ? min : 0;
    const skip = new Set(options.unmatchable ?? []);
    pieces.forEach(([p], id) => {
      this.vocab.set(p, id);
      if (!skip.has(id) && p.length > 0) this.insert(p, id);
    });
    if (this.byteFallback) {
      const ids = new Int32Array(256).fill(-1);
      let all = true;
      for (let b = 0; b < 256; b++) {
        const id = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
        if (id === undefined) all = false;
        else ids[b] = id;
      }
      this.byteIds = all ? ids : null;
    } else this.byteIds = null;
  }

  private insert(piece: string, id: number): void {
    let node = 0;
    for (let i = 0; i < piece.length; i++) {
      const key = node * 65536 + piece.charCodeAt(i);
      let next = this.edges.get(key);
      if (next === undefined) {
        next = this.tokenAt.length;
        this.tokenAt.push(-1);
        this.edges.set(key, next);
      }
      node = next;
    }
    this.tokenAt[node] = id;
  }

  get vocabSize(): number {
    return this.pieces.length;
  }
  getVocab(): Map<string, number> {
    return new Map(this.vocab);
  }
  tokenToId(token: string): number | undefined {
    return this.vocab.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.pieces[id];
  }

  private unknown(text: string, s: number): never {
    throw new TokenizerInputError({
      operation: 'Unigram.tokenize',
      expected: 'a vocabulary piece or an unknown piece for every character',
      found: `${JSON.stringify(text.slice(s, s + 2))} at ${s} with no unk_id`,
      hint: 'give the model an unk_id',
    });
  }

  /** Viterbi: the best path as flat [start, end, id] triples (unknown characters have id -1, not yet fused). */
  private viterbi(text: string): number[] {
    const n = text.length;
    const best = new Float64Array(n + 1);
    const from = new Int32Array(n + 1).fill(-1);
    const via = new Int32Array(n + 1);
    from[0] = 0;
    const unkScore = this.minScore - UNK_PENALTY;
    for (let s = 0; s < n; s++) {
      if (from[s] === -1) continue; // inside a surrogate pair
      const c = text.charCodeAt(s);
      const charLen = c >= 0xd800 && c <= 0xdbff && s + 1 < n ? 2 : 1;
      let node = 0;
      let single = false;
      const base = best[s]!;
      for (let e = s; e < n; e++) {
        const next = this.edges.get(node * 65536 + text.charCodeAt(e));
        if (next === undefined) break;
        node = next;
        const id = this.tokenAt[node]!;
        if (id < 0) continue;
        if (e + 1 - s === charLen) single = true;
        const score = base + this.scores[id]!;
        if (from[e + 1] === -1 || score > best[e + 1]!) {
          best[e + 1] = score;
          from[e + 1] = s;
          via[e + 1] = id;
        }
      }
      if (!single) {
        if (this.unkId === null) this.unknown(text, s);
        const score = base + unkScore;
        if (from[s + charLen] === -1 || score > best[s + charLen]!) {
          best[s + charLen] = score;
          from[s + charLen] = s;
          via[s + charLen] = -1;
        }
      }
    }
    const path: number[] = [];
    for (let e = n; e > 0; e = from[e]!) path.push(from[e]!, e, via[e]!);
    // path is reversed triples; flip
    const out: number[] = [];
    for (let k = path.length - 3; k >= 0; k -= 3) out.push(path[k]!, path[k + 1]!, path[k + 2]!);
    return out;
  }

  /** Fuses adjacent unknowns and applies byte fallback; emits tokens through `emit`. */
  private finish(
    text: string,
    triples: number[],
    emit: (id: number, s: number, e: number, value: string) => void,
  ): void {
    for (let k = 0; k < triples.length; k += 3) {
      const s = triples[k]!;
      let e = triples[k + 1]!;
      let id = triples[k + 2]!;
      if (id < 0 || id === this.unkId) {
        id = this.unkId!;
        while (k + 3 < triples.length && (triples[k + 5]! < 0 || triples[k + 5] === this.unkId)) {
          e = triples[k + 4]!;
          k += 3;
        }
        if (this.byteIds) {
          for (const b of new TextEncoder().encode(text.slice(s, e)))
            emit(this.byteIds[b]!, s, e, this.pieces[this.byteIds[b]!]!);
          continue;
        }
        // As HF: an unknown token's value is the text it covers, its id the unk id.
        emit(id, s, e, text.slice(s, e));
        continue;
      }
      emit(id, s, e, this.pieces[id]!);
    }
  }

  tokenize(text: string): ModelToken[] {
    if (text.length === 0) return [];
    const hit = this.tokenCache.get(text);
    if (hit) return hit.map((t) => ({ ...t }));
    const out: ModelToken[] = [];
    this.finish(text, this.viterbi(text), (id, start, end, value) => out.push({ id, value, start, end }));
    if (text.length < 128 && this.tokenCache.size < 100_000)
      this.tokenCache.set(
        text,
        out.map((t) => ({ ...t })),
      );
    return out;
  }

  encodeString(text: string, out: number[]): void {
    if (text.length === 0) return;
    const hit = this.cache.get(text);
    if (hit) {
      for (const id of hit) out.push(id);
      return;
    }
    const ids: number[] = [];
    this.finish(text, this.viterbi(text), (id) => ids.push(id));
    if (text.length < 128 && this.cache.size < 100_000) this.cache.set(text, ids);
    for (const id of ids) out.push(id);
  }

  /** Every edge of the lattice of `text`, in order of start then length. */
  private lattice(text: string): Lattice {
    const n = text.length;
    const L: Lattice = { n, starts: [], ends: [], ids: [], scores: [] };
    const unkScore = this.minScore - UNK_PENALTY;
    for (let s = 0; s < n; s++) {
      const prev = s > 0 ? text.charCodeAt(s - 1) : 0;
      const c = text.charCodeAt(s);
      if (prev >= 0xd800 && prev <= 0xdbff && c >= 0xdc00 && c <= 0xdfff) continue;
      const charLen = c >= 0xd800 && c <= 0xdbff && s + 1 < n ? 2 : 1;
      let node = 0;
      let single = false;
      for (let e = s; e < n; e++) {
        const next = this.edges.get(node * 65536 + text.charCodeAt(e));
        if (next === undefined) break;
        node = next;
        const id = this.tokenAt[node]!;
        if (id < 0) continue;
        if (e + 1 - s === charLen) single = true;
        L.starts.push(s);
        L.ends.push(e + 1);
        L.ids.push(id);
        L.scores.push(this.scores[id]!);
      }
      if (!single) {
        if (this.unkId === null) this.unknown(text, s);
        L.starts.push(s);
        L.ends.push(s + charLen);
        L.ids.push(-1);
        L.scores.push(unkScore);
      }
    }
    return L;
  }

  private pathOf(text: string, triples: number[], score: number): UnigramPath {
    const ids: number[] = [];
    const tokens: string[] = [];
    this.finish(text, triples, (id, _s, _e, value) => {
      ids.push(id);
      tokens.push(value);
    });
    return { ids, tokens, score };
  }

  /**
   * The `n` best tokenizations, best first (exact k-best dynamic programming: every position keeps
   * its n best partial paths). The first equals {@link tokenize}.
   */
  encodeNBest(text: string, n: number): UnigramPath[] {
    if (!(n >= 1)) return [];
    if (text.length === 0) return [{ ids: [], tokens: [], score: 0 }];
    const L = this.lattice(text);
    // kbest[pos] = sorted list of [score, edge index, rank in kbest[start]]
    const kbest: [number, number, number][][] = Array.from({ length: L.n + 1 }, () => []);
    kbest[0]!.push([0, -1, -1]);
    // Edges are ordered by start, so every list at `start` is final when its edges are read.
    for (let k = 0; k < L.starts.length; k++) {
      const s = L.starts[k]!;
      const e = L.ends[k]!;
      const list = kbest[e]!;
      const src = kbest[s]!;
      for (let r = 0; r < src.length; r++) {
        const score = src[r]![0] + L.scores[k]!;
        if (list.length === n && score <= list[n - 1]![0]) break;
        let at = list.length;
        while (at > 0 && list[at - 1]![0] < score) at--;
        list.splice(at, 0, [score, k, r]);
        if (list.length > n) list.pop();
      }
    }
    return kbest[L.n]!.map(([score, edge, rank]) => {
      const triples: number[] = [];
      let e = edge;
      let r = rank;
      while (e >= 0) {
        triples.push(L.starts[e]!, L.ends[e]!, L.ids[e]!);
        const entry: [number, number, number] = kbest[L.starts[e]!]![r]!;
        e = entry[1];
        r = entry[2];
      }
      const ordered: number[] = [];
      for (let k = triples.length - 3; k >= 0; k -= 3)
        ordered.push(triples[k]!, triples[k + 1]!, triples[k + 2]!);
      return this.pathOf(text, ordered, score);
    });
  }

  /**
   * Draws one tokenization for subword regularization. With `nbestSize < 0`, a path is drawn from
   * the whole lattice with P(path) ∝ exp(alpha * score(path)) by forward-filtering backward-sampling:
   *
   *   forward  a[0] = 0,  a[e] = logsumexp over edges (s, e) of a[s] + alpha * score
   *   backward from the end, pick the edge (s, e) ending here with probability
   *            exp(a[s] + alpha * score - a[e]), continue from s
   *
   * With `nbestSize > 1`, one of the n best is drawn with P ∝ exp(alpha * score).
   *
   * @example
   * ```ts
   * const path = model.sampleEncode('▁hello', { alpha: 0.1, nbestSize: -1, rng: 42 });
   * ```
   */
  sampleEncode(text: string, options: SampleOptions = {}): UnigramPath {
    const alpha = options.alpha ?? 0.1;
    const nbest = options.nbestSize ?? -1;
    const rng = typeof options.rng === 'function' ? options.rng : seededRandom(options.rng ?? 0);
    if (nbest === 0 || nbest === 1) {
      const triples = text.length === 0 ? [] : this.viterbi(text);
      let score = 0;
      for (let k = 2; k < triples.length; k += 3) score += this.edgeScore(triples[k]!);
      return this.pathOf(text, triples, score);
    }
    if (nbest > 1) {
      const paths = this.encodeNBest(text, nbest);
      const top = Math.max(...paths.map((p) => alpha * p.score));
      const w = paths.map((p) => Math.exp(alpha * p.score - top));
      let u = rng() * w.reduce((a, b) => a + b, 0);
      for (let i = 0; i < paths.length; i++) {
        u -= w[i]!;
        if (u < 0) return paths[i]!;
      }
      return paths[paths.length - 1]!;
    }
    if (text.length === 0) return { ids: [], tokens: [], score: 0 };
    const L = this.lattice(text);
    const fwd = new Float64Array(L.n + 1).fill(Number.NEGATIVE_INFINITY);
    fwd[0] = 0;
    const byEnd: number[][] = Array.from({ length: L.n + 1 }, () => []);
    for (let k = 0; k < L.starts.length; k++) {
      const s = L.starts[k]!;
      const e = L.ends[k]!;
      byEnd[e]!.push(k);
      fwd[e] = logAddExp(fwd[e]!, fwd[s]! + alpha * L.scores[k]!);
    }
    const triples: number[] = [];
    let score = 0;
    for (let pos = L.n; pos > 0; ) {
      const edges = byEnd[pos]!;
      let u = rng();
      let chosen = edges[edges.length - 1]!;
      for (const k of edges) {
        u -= Math.exp(fwd[L.starts[k]!]! + alpha * L.scores[k]! - fwd[pos]!);
        if (u < 0) {
          chosen = k;
          break;
        }
      }
      triples.push(L.starts[chosen]!, L.ends[chosen]!, L.ids[chosen]!);
      score += L.scores[chosen]!;
      pos = L.starts[chosen]!;
    }
    const ordered: number[] = [];
    for (let k = triples.length - 3; k >= 0; k -= 3)
      ordered.push(triples[k]!, triples[k + 1]!, triples[k + 2]!);
    return this.pathOf(text, ordered, score);
  }

  /** Score of a lattice edge: the piece's score, or the unknown penalty for id -1. */
  private edgeScore(id: number): number {
    return id < 0 ? this.minScore - UNK_PENALTY : this.scores[id]!;
  }

  toJSON(): Record<string, unknown> {
    return {
      type: 'Unigram',
      unk_id: this.unkId,
      vocab: this.pieces.map((p, i) => [p, this.scores[i]]),
      byte_fallback: this.byteFallback,
    };
  }

  /** Reads a tokenizer.json `model` object of type Unigram. */
  static fromJSON(obj: unknown, where = 'model'): Unigram {
    const o = asObject(obj, where);
    const vocab = arr(o, 'vocab', where).map((e, i): [string, number] => {
      if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'number')
        return badField(`${where}.vocab[${i}]`, '[piece, score]', e);
      return [e[0], e[1]];
    });
    const unkId = optNum(o, 'unk_id', where, null);
    if (unkId !== null && (unkId < 0 || unkId >= vocab.length || !Number.isInteger(unkId)))
      throw new TokenizerFormatError({
        operation: 'fromJSON',
        where: `${where}.unk_id`,
        expected: `an integer in [0, ${vocab.length})`,
        found: String(unkId),
      });
    return new Unigram(vocab, { unkId, byteFallback: optBool(o, 'byte_fallback', where, false) });
  }
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Subword regularization over a whole text: normalize, pre-tokenize, then draw a tokenization of
 * every piece with {@link Unigram.sampleEncode} (one rng for the whole text, so a seed reproduces the
 * draw). Added/special tokens are not recognised here: pass plain text.
 *
 * @example
 * ```ts
 * const parts = parseSentencePieceModel(readFileSync('sp.model'));
 * sampleTokenize(parts, 'Hello world', { alpha: 0.1, nbestSize: -1, rng: 7 }).ids;
 * ```
 */
export function sampleTokenize(
  parts: { normalizer: Normalizer | null; preTokenizer: PreTokenizer | null; model: Model },
  text: string,
  options: SampleOptions = {},
): UnigramPath {
  if (!(parts.model instanceof Unigram))
    throw new TokenizerInputError({
      operation: 'sampleTokenize',
      expected: 'a Unigram model',
      found: `a ${parts.model.type} model`,
      hint: 'subword sampling needs the lattice of a Unigram model (BPE has dropout instead)',
    });
  const model = parts.model;
  const rng = typeof options.rng === 'function' ? options.rng : seededRandom(options.rng ?? 0);
  const normalized = parts.normalizer ? parts.normalizer.normalizeString(text) : text;
  const pieces: string[] = [];
  if (parts.preTokenizer) parts.preTokenizer.splitString(normalized, pieces);
  else pieces.push(normalized);
  const out: UnigramPath = { ids: [], tokens: [], score: 0 };
  for (const piece of pieces) {
    const p = model.sampleEncode(piece, { ...options, rng });
    out.ids.push(...p.ids);
    out.tokens.push(...p.tokens);
    out.score += p.score;
  }
  return out;
}
