/**
 * A seeded random generator whose whole state is `{ seed, offset }`.
 *
 * It walks the Philox4x32-10 counter stream of `philox.ts`: every draw takes the next block(s) of 4
 * random u32 words at counter `offset` and advances `offset` past them. Because Philox is a pure
 * function of (seed, counter), the state is two integers, JSON-serializable, and restoring it
 * (`setState`) replays exactly the same numbers: the basis of exact resume in the trainer.
 *
 * The same stream feeds tensors: a tensor of `n` uniforms drawn at `offset` (the `rand` op on any
 * backend) equals `uniformArray(n)` from a generator at that offset, and both advance the offset by
 * ⌈n/4⌉ (⌈n/2⌉ for normals, which use Box–Muller on two words each).
 *
 * Worked example: `new RandomGenerator(7)` starts at offset 0; `g.uniform()` reads block 0 and moves to
 * offset 1; `g.uniformArray(10)` reads blocks 1, 2, 3 and moves to offset 4; `g.getState()` is then
 * `{ seed: 7, offset: 4 }`.
 */

import { describeValue, requireNumber } from '../arguments.js';
import { ArgumentError } from '../errors.js';
import {
  fillNormal,
  fillUniform,
  normalCounters,
  type PhiloxStream,
  philoxBlock,
  uniformCounters,
} from './philox.js';

function checkStateObject(op: string, state: unknown): void {
  if (typeof state !== 'object' || state === null) {
    throw new ArgumentError({
      operation: op,
      expected: 'a state { seed, offset }',
      found: describeValue(state),
      hint: 'use a state returned by getState()',
    });
  }
}

function checkLength(op: string, n: unknown): void {
  requireNumber(op, 'n', n, {
    integer: true,
    min: 0,
    max: 2 ** 32,
    hint: 'n is how many numbers to draw: a whole number, 0 or more',
  });
}

function checkNormal(op: string, mean: unknown, std: unknown): void {
  requireNumber(op, 'mean', mean);
  requireNumber(op, 'std', std, { min: 0, hint: 'the standard deviation cannot be negative' });
}

/** The serializable state of a RandomGenerator. */
export interface RandomGeneratorState {
  seed: number;
  offset: number;
}

const INV24 = 1 / 16777216;
const TWO32 = 4294967296;

function checkState(op: string, seed: number, offset: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError({
      operation: op,
      expected: 'seed an integer in [0, 2^53)',
      found: describeValue(seed),
      hint: 'seeds are non-negative integers',
    });
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ArgumentError({
      operation: op,
      expected: 'offset an integer in [0, 2^53)',
      found: describeValue(offset),
      hint: 'use a state returned by getState()',
    });
  }
}

/**
 * A seeded, resumable random generator (Philox4x32-10 counter stream).
 *
 * @example
 * ```ts
 * const g = new RandomGenerator(42);
 * const a = g.uniform();             // in [0, 1)
 * const saved = g.getState();        // { seed: 42, offset: 1 }
 * const b = g.normal();
 * g.setState(saved);
 * g.normal() === b;                  // true: exact replay
 * ```
 */
export class RandomGenerator implements PhiloxStream {
  readonly seed: number;
  /** The next unused Philox counter. Draws advance it; kernels drawing from this generator do too. */
  offset: number;
  private readonly block = new Uint32Array(4);

  constructor(seed: number, offset = 0) {
    checkState('RandomGenerator', seed, offset);
    this.seed = seed;
    this.offset = offset;
  }

  /** A generator continuing from a saved state. */
  static fromState(state: RandomGeneratorState): RandomGenerator {
    checkStateObject('RandomGenerator.fromState', state);
    return new RandomGenerator(state.seed, state.offset);
  }

  /** The state to save: `{ seed, offset }` (plain JSON). */
  getState(): RandomGeneratorState {
    return { seed: this.seed, offset: this.offset };
  }

  /** Restores a saved state; the seed must match (a generator's seed is fixed at construction). */
  setState(state: RandomGeneratorState): void {
    checkStateObject('RandomGenerator.setState', state);
    checkState('RandomGenerator.setState', state.seed, state.offset);
    if (state.seed !== this.seed) {
      throw new ArgumentError({
        operation: 'RandomGenerator.setState',
        expected: `seed ${this.seed}`,
        found: String(state.seed),
        hint: 'use RandomGenerator.fromState(state) for a different seed',
      });
    }
    this.offset = state.offset;
  }

  /**
   * Reserves `counters` Philox blocks for a kernel and returns the offset it should draw at
   * (the generator moves past them).
   */
  take(counters: number): number {
    requireNumber('RandomGenerator.take', 'counters', counters, {
      integer: true,
      min: 0,
      hint: 'counters to skip',
    });
    const at = this.offset;
    this.offset += counters;
    return at;
  }

  private nextBlock(): Uint32Array {
    philoxBlock(this.seed, this.offset, this.block);
    this.offset += 1;
    return this.block;
  }

  /** One uniform number in [0, 1) (24 random bits; uses one block). */
  uniform(): number {
    return (this.nextBlock()[0]! >>> 8) * INV24;
  }

  /** One standard normal number (Box–Muller on two words of one block). */
  normal(mean = 0, std = 1): number {
    checkNormal('RandomGenerator.normal', mean, std);
    const b = this.nextBlock();
    const u1 = ((b[0]! >>> 8) + 1) * INV24;
    const u2 = (b[1]! >>> 8) * INV24;
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A uniform integer in [0, n) without modulo bias (rejection sampling on 32-bit words, or on 53-bit
   * values when n > 2³²).
   */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) {
      throw new ArgumentError({
        operation: 'RandomGenerator.int',
        expected: 'n an integer in [1, 2^53)',
        found: describeValue(n),
        hint: 'int(n) draws from 0..n-1',
      });
    }
    if (n <= TWO32) {
      // Accept words below the largest multiple of n that fits in 2^32, so every residue is equally likely.
      const limit = Math.floor(TWO32 / n) * n;
      for (;;) {
        const b = this.nextBlock();
        for (let l = 0; l < 4; l++) if (b[l]! < limit) return b[l]! % n;
      }
    }
    const limit = Math.floor(2 ** 53 / n) * n;
    for (;;) {
      const b = this.nextBlock();
      for (let l = 0; l < 4; l += 2) {
        const v = (b[l]! >>> 11) * TWO32 + b[l + 1]!; // 21 + 32 = 53 bits
        if (v < limit) return v % n;
      }
    }
  }

  /** `n` uniforms in [low, high), exactly what a `rand` tensor drawn at the current offset holds. */
  uniformArray(n: number, low = 0, high = 1): Float32Array {
    checkLength('RandomGenerator.uniformArray', n);
    requireNumber('RandomGenerator.uniformArray', 'low', low);
    requireNumber('RandomGenerator.uniformArray', 'high', high, {
      min: low,
      hint: 'values are drawn from [low, high): low ≤ high',
    });
    const out = new Float32Array(n);
    fillUniform(out, this.seed, this.take(uniformCounters(n)), low, high);
    return out;
  }

  /** `n` normals (mean, std), exactly what a `randn` tensor drawn at the current offset holds. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    checkLength('RandomGenerator.normalArray', n);
    checkNormal('RandomGenerator.normalArray', mean, std);
    const out = new Float32Array(n);
    fillNormal(out, this.seed, this.take(normalCounters(n)), mean, std);
    return out;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) {
      throw new ArgumentError({
        operation: 'RandomGenerator.shuffle',
        expected: 'an array (shuffled in place)',
        found: describeValue(items),
        hint: 'copy other iterables into an array first: gen.shuffle([...items])',
      });
    }
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n−1. */
  permutation(n: number): number[] {
    checkLength('RandomGenerator.permutation', n);
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /**
   * A new generator with a seed drawn from this one (uses one block): independent streams for, say,
   * data order and dropout, both reproducible from one seed.
   */
  fork(): RandomGenerator {
    const b = this.nextBlock();
    return new RandomGenerator((b[0]! & 0x1fffff) * TWO32 + b[1]!);
  }
}
