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
 *
 * The lattice and the algorithms over it (`lattice.ts`) and the trie that finds the pieces
 * (`trie.ts`) are the trainer's too (`trainer.ts`); this file holds what only the model does:
 * unknown characters, byte fallback, caching, and the tokens handed to the pipeline.
 */
import { TokenizerInputError } from '../../errors.js';
import { Trie } from '../../pipeline/trie.js';
import type { Model, ModelToken, Normalizer, PreTokenizer } from '../../pipeline/types.js';
import { seededRandom } from '../seeded-random.js';
import { backtrack, Lattice, nBest, sample, scoreEdges, viterbi } from './lattice.js';
import { unigramFieldsFromJSON, unigramToJSON } from './serialization.js';

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
  /** The matchable pieces, by UTF-16 unit. */
  private readonly trie = new Trie();
  private readonly byteIds: Int32Array | null;
  private readonly cache = new Map<string, number[]>();
  private readonly tokenCache = new Map<string, ModelToken[]>();
  // Scratch space of `latticeOf` and `bestPath`, reused from text to text.
  private readonly lattice = new Lattice();
  private units = new Uint16Array(64);
  private edgeScores = new Float64Array(256);
  private best = new Float64Array(64);
  private back = new Int32Array(64);

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
      if (!skip.has(id) && p.length > 0) this.trie.insert(p, id, 'unit');
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

  /**
   * The lattice of `text` in the scratch lattice, with its edge scores in `this.edgeScores`; throws
   * when a character has no piece and the model no unknown piece.
   */
  private latticeOf(text: string): Lattice {
    const n = text.length;
    if (this.units.length < n) this.units = new Uint16Array(n * 2);
    const units = this.units;
    for (let i = 0; i < n; i++) units[i] = text.charCodeAt(i);
    const l = this.lattice;
    l.clear();
    const unknownAt = l.addText(units, n, this.trie, 'unit');
    if (unknownAt >= 0 && this.unkId === null) this.unknown(text, unknownAt);
    if (this.edgeScores.length < l.size) this.edgeScores = new Float64Array(l.size * 2);
    scoreEdges(l, this.scores, null, this.minScore - UNK_PENALTY, this.edgeScores);
    return l;
  }

  /** Viterbi: the best path as flat [start, end, id] triples (unknown characters have id -1, not yet fused). */
  private bestPath(text: string): number[] {
    const l = this.latticeOf(text);
    const n = text.length;
    if (this.best.length <= n) {
      this.best = new Float64Array(n * 2 + 1);
      this.back = new Int32Array(n * 2 + 1);
    }
    viterbi(l, 0, this.edgeScores, this.best, this.back);
    return this.triples(l, backtrack(l, this.back, n));
  }

  /** Edges of the scratch lattice as flat [start, end, id] triples. */
  private triples(l: Lattice, edges: readonly number[]): number[] {
    const out: number[] = [];
    for (const e of edges) out.push(l.start[e]!, l.end[e]!, l.piece[e]!);
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
    this.finish(text, this.bestPath(text), (id, start, end, value) => out.push({ id, value, start, end }));
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
    this.finish(text, this.bestPath(text), (id) => ids.push(id));
    if (text.length < 128 && this.cache.size < 100_000) this.cache.set(text, ids);
    for (const id of ids) out.push(id);
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
    const l = this.latticeOf(text);
    return nBest(l, 0, this.edgeScores, n).map((p) => this.pathOf(text, this.triples(l, p.edges), p.score));
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
      const triples = text.length === 0 ? [] : this.bestPath(text);
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
    const l = this.latticeOf(text);
    const drawn = sample(l, 0, this.edgeScores, alpha, rng);
    return this.pathOf(text, this.triples(l, drawn.edges), drawn.score);
  }

  /** Score of a lattice edge: the piece's score, or the unknown penalty for id -1. */
  private edgeScore(id: number): number {
    return id < 0 ? this.minScore - UNK_PENALTY : this.scores[id]!;
  }

  toJSON(): Record<string, unknown> {
    return unigramToJSON({
      pieces: this.pieces.map((p, i): [string, number] => [p, this.scores[i]!]),
      unkId: this.unkId,
      byteFallback: this.byteFallback,
    });
  }

  /** Reads a tokenizer.json `model` object of type Unigram. */
  static fromJSON(obj: unknown, where = 'model'): Unigram {
    const { pieces, unkId, byteFallback } = unigramFieldsFromJSON(obj, where);
    return new Unigram(pieces, { unkId, byteFallback });
  }
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
