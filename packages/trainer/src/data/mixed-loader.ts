/**
 * Data mixing: batches drawn from several token sources in fixed proportions — a pretraining corpus
 * plus, say, rendered task conversations and synthetic copy sequences (the "mid-training" mix of
 * nanochat, the weighted domains of the Pile and Dolma).
 *
 * Each source is a {@link TokenLoader} of its own (its own shards, order and seed) that supplies a
 * fixed number of the batch's rows, `round(weight · batchSize)` (the first source takes the rest):
 *
 * ```
 * sources   corpus (weight 0.75)      tasks (0.25)
 * batch     rows 0–11 ← corpus loader rows 12–15 ← tasks loader     (batchSize 16)
 * ```
 *
 * Fixed rows per batch rather than a draw per row: every step sees exactly the mix asked for (a
 * per-row draw would vary it by ±√(B·w·(1−w)) rows), and the state is just each source's own
 * position, saved in checkpoints as `{ mode: 'mixed', sources: [...] }`.
 */
import { ShardFormatError } from '../errors.js';
import { mixRows } from './mix-rows.js';
import { type LoaderState, type TokenBatch, TokenLoader, type TokenLoaderOptions } from './token-loader.js';

/** One source of a mix. */
export interface MixSource {
  /** Its shard files. */
  shards: readonly string[];
  /** Fraction of each batch's rows (the sources' weights sum to 1). */
  weight: number;
}

/** The position of a {@link MixedTokenLoader}: one state per source, in order. */
export interface MixedLoaderState {
  mode: 'mixed';
  sources: LoaderState[];
}

/**
 * Batches mixed from several sources in fixed proportions (see the module comment).
 *
 * @example
 * ```ts
 * const loader = MixedTokenLoader.open(
 *   [{ shards: ['data/austen_train_000000.bin'], weight: 0.75 }, { shards: ['data/tasks_train_000000.bin'], weight: 0.25 }],
 *   { batchSize: 16, seqLen: 128, mode: 'random', seed: 1 },
 * );
 * const { inputs, targets } = loader.next(); // rows 0–11 from austen, 12–15 from tasks
 * ```
 */
export class MixedTokenLoader {
  private constructor(
    private readonly loaders: TokenLoader[],
    private readonly o: TokenLoaderOptions,
  ) {}

  /** Opens every source's shards; source i's loader uses seed `seed + i`. */
  static open(sources: readonly MixSource[], options: TokenLoaderOptions): MixedTokenLoader {
    const weights = sources.map((s) => s.weight);
    const rows = mixRows(weights, options.batchSize);
    const empty = rows.findIndex((r) => r < 1);
    if (empty >= 0) {
      throw new ShardFormatError({
        operation: 'MixedTokenLoader',
        file: sources[empty]!.shards[0] ?? `<mix source ${empty}>`,
        expected: 'at least one row of every batch for every source',
        found: `weights ${weights.join(', ')} of batchSize ${options.batchSize} give rows ${rows.join(', ')}`,
        hint: 'raise the batch size or the weight of that source',
      });
    }
    const loaders: TokenLoader[] = [];
    try {
      sources.forEach((s, i) => {
        loaders.push(TokenLoader.open(s.shards, { ...options, batchSize: rows[i]!, seed: options.seed + i }));
      });
    } catch (e) {
      for (const l of loaders) l.close();
      throw e;
    }
    return new MixedTokenLoader(loaders, options);
  }

  /** The next batch: each source's rows, in source order. */
  next(): TokenBatch {
    const { batchSize: B, seqLen: T } = this.o;
    const inputs = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    let row = 0;
    for (const l of this.loaders) {
      const part = l.next();
      inputs.set(part.inputs, row * T);
      targets.set(part.targets, row * T);
      row += part.batchSize;
    }
    return { inputs, targets, batchSize: B, seqLen: T };
  }

  /** The position, for a checkpoint. */
  state(): MixedLoaderState {
    return { mode: 'mixed', sources: this.loaders.map((l) => l.state() as LoaderState) };
  }

  /** Continues from a saved position (same sources, in the same order). */
  setState(state: MixedLoaderState | LoaderState): void {
    if (state.mode !== 'mixed' || state.sources.length !== this.loaders.length) {
      throw new ShardFormatError({
        operation: 'MixedTokenLoader.setState',
        file: '<mix>',
        expected: `the state of a mix of ${this.loaders.length} sources`,
        found: state.mode === 'mixed' ? `a mix of ${state.sources.length}` : `a ${state.mode} loader state`,
        hint: 'resume with the data.mix the run started with',
      });
    }
    for (const [i, s] of state.sources.entries()) this.loaders[i]!.setState(s);
  }

  /** Closes every source's shards. */
  close(): void {
    for (const l of this.loaders) l.close();
  }
}
