/**
 * The training data loader: batches of `batchSize` windows of `seqLen + 1` tokens from a list of
 * shards; inputs are tokens [0, seqLen) of each window and targets tokens [1, seqLen] (the next
 * token at every position, nanoGPT's `x, y`).
 *
 * Two orders, both a pure function of the seed and the position, which is all the state there is
 * (saved in checkpoints, restored on resume):
 *
 * - `random` (nanoGPT's `get_batch`): each window starts at a uniformly drawn offset over all
 *   shards (a shard weighs by its number of windows); state = the generator's `{ seed, offset }`.
 * - `sequential` (llm.c's loader): windows follow each other through shard 0, 1, ... (row b of a
 *   batch starts seqLen tokens after row b − 1, so each token is a target once per epoch), then
 *   wrap around; state = `{ shard, position, epoch }`.
 *
 * BOS-aligned packing (`alignTo` = the end-of-text id written before every document): windows
 * start at a document start instead of anywhere, so no window begins mid-sentence (nanochat does
 * this); a window still runs on into the next documents when one is shorter than the window.
 * Random mode draws a document start uniformly; sequential mode moves to the next document start
 * at or after its position.
 */

import { RandomGenerator, type RandomGeneratorState } from '@llmforge/tensor-gpu';
import { ShardFormatError } from '../errors.js';
import { ShardReader } from './shard-reader.js';

/** A batch: B·T input ids and B·T target ids, row-major (B, T). */
export interface TokenBatch {
  inputs: Int32Array;
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

/** Where a loader is: everything needed to continue exactly. */
export type LoaderState =
  | { mode: 'random'; rng: RandomGeneratorState }
  | { mode: 'sequential'; shard: number; position: number; epoch: number };

/** Options of {@link TokenLoader}. */
export interface TokenLoaderOptions {
  batchSize: number;
  seqLen: number;
  mode: 'random' | 'sequential';
  seed: number;
  /** Start windows at this token (the document delimiter), for BOS-aligned packing. */
  alignTo?: number;
}

/**
 * Batches from token shards (see the module comment).
 *
 * @example
 * ```ts
 * const loader = TokenLoader.open(['data/a_train_000000.bin'], { batchSize: 12, seqLen: 64, mode: 'random', seed: 1337 });
 * const { inputs, targets } = loader.next(); // Int32Array(768) each
 * const saved = loader.state();              // resume later with loader.setState(saved)
 * ```
 */
export class TokenLoader {
  private readonly shards: ShardReader[];
  private readonly o: TokenLoaderOptions;
  private rng: RandomGenerator;
  /** Sequential position. */
  private shard = 0;
  private position = 0;
  private epoch = 0;
  /** Random mode: cumulative window-start counts per shard. */
  private readonly cumulative: number[] = [];

  private constructor(shards: ShardReader[], options: TokenLoaderOptions) {
    this.shards = shards;
    this.o = options;
    this.rng = new RandomGenerator(options.seed);
    let total = 0;
    for (const s of shards) {
      total += this.startsIn(s);
      this.cumulative.push(total);
    }
    if (total === 0) {
      throw new ShardFormatError({
        operation: 'TokenLoader',
        file: shards[0]?.path ?? '<no shards>',
        expected: `a shard of at least ${options.seqLen + 1} tokens (one window of seqLen + 1)`,
        found: `shards of ${shards.map((s) => s.tokens).join(', ') || 'no'} tokens`,
        hint: 'use a shorter seqLen or more data',
      });
    }
  }

  /** Opens the shards and builds a loader. */
  static open(paths: readonly string[], options: TokenLoaderOptions): TokenLoader {
    return new TokenLoader(
      paths.map((p) => ShardReader.open(p)),
      options,
    );
  }

  /** Number of distinct windows (random mode's sample space). */
  get windows(): number {
    return this.cumulative[this.cumulative.length - 1] ?? 0;
  }

  /** Total tokens over all shards. */
  get tokens(): number {
    return this.shards.reduce((s, x) => s + x.tokens, 0);
  }

  /** Window starts available in one shard: every offset, or every early-enough document start. */
  private startsIn(shard: ShardReader): number {
    const W = this.o.seqLen + 1;
    if (this.o.alignTo === undefined) return Math.max(0, shard.tokens - W + 1);
    const starts = shard.documentStarts(this.o.alignTo);
    return upperBound(starts, shard.tokens - W); // starts s with s + W <= tokens
  }

  /** The next batch. */
  next(): TokenBatch {
    const { batchSize: B, seqLen: T } = this.o;
    const inputs = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    const window = new Int32Array(T + 1);
    for (let b = 0; b < B; b++) {
      const [shard, start] = this.o.mode === 'random' ? this.randomStart() : this.sequentialStart();
      this.shards[shard]!.read(start, T + 1, window);
      inputs.set(window.subarray(0, T), b * T);
      targets.set(window.subarray(1), b * T);
    }
    return { inputs, targets, batchSize: B, seqLen: T };
  }

  private randomStart(): [number, number] {
    const r = this.rng.int(this.windows);
    let shard = 0;
    while (this.cumulative[shard]! <= r) shard++;
    const k = r - (shard === 0 ? 0 : this.cumulative[shard - 1]!);
    const s = this.shards[shard]!;
    return [shard, this.o.alignTo === undefined ? k : s.documentStarts(this.o.alignTo)[k]!];
  }

  private sequentialStart(): [number, number] {
    const W = this.o.seqLen + 1;
    for (;;) {
      const s = this.shards[this.shard]!;
      let start = this.position;
      if (this.o.alignTo !== undefined) {
        const starts = s.documentStarts(this.o.alignTo);
        const i = lowerBound(starts, start);
        start = i < starts.length ? starts[i]! : s.tokens;
      }
      if (start + W <= s.tokens) {
        this.position = start + this.o.seqLen;
        return [this.shard, start];
      }
      this.shard++;
      this.position = 0;
      if (this.shard === this.shards.length) {
        this.shard = 0;
        this.epoch++;
      }
    }
  }

  /** The position, for a checkpoint. */
  state(): LoaderState {
    return this.o.mode === 'random'
      ? { mode: 'random', rng: this.rng.getState() }
      : { mode: 'sequential', shard: this.shard, position: this.position, epoch: this.epoch };
  }

  /** Continues from a saved position (same shards and mode; a mixed run's state is refused). */
  setState(state: LoaderState | { mode: 'mixed' }): void {
    if (state.mode === 'mixed' || state.mode !== this.o.mode) {
      throw new ShardFormatError({
        operation: 'TokenLoader.setState',
        file: this.shards[0]!.path,
        expected: `a ${this.o.mode} loader state`,
        found: `a ${state.mode} one`,
        hint: 'resume with the data.order the run started with',
      });
    }
    if (state.mode === 'random') this.rng = RandomGenerator.fromState(state.rng);
    else {
      if (state.shard >= this.shards.length) {
        throw new ShardFormatError({
          operation: 'TokenLoader.setState',
          file: this.shards[0]!.path,
          expected: `a shard index below ${this.shards.length}`,
          found: String(state.shard),
          hint: 'resume with the shards the run started with',
        });
      }
      this.shard = state.shard;
      this.position = state.position;
      this.epoch = state.epoch;
    }
  }

  /** Closes the shards. */
  close(): void {
    for (const s of this.shards) s.close();
  }
}

/** First index i with a[i] >= x. */
function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of entries <= x. */
function upperBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
