/**
 * Seeded randomness for task generation, on tensor-gpu's Philox (so "mulberry32 exists once"):
 * a {@link TaskRandom} is a named stream `(seed, name) → u₀, u₁, …`, and {@link isHeldOut} decides an
 * item's split from the item alone, so the same item is in the same split in every family and run.
 *
 * ```
 * key = fnv1a32(`${seed}/${name}`)    u_i = philoxUniform(key, 0, i)    (24-bit uniforms in [0, 1))
 * held out  ⇔  philoxUniform(fnv1a32(`${splitSeed}/split`), fnv1a32(item), 0) < fraction
 * ```
 */
import { philoxUniform } from '@llmforge/tensor-gpu';

/**
 * FNV-1a, 32 bits, of a string's UTF-16 code units: a fast, stable hash for keys.
 *
 * @example
 * ```ts
 * fnv1a32('a'); // 3826002220
 * ```
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A seeded stream of uniforms with helpers; the same (seed, name) always gives the same numbers.
 *
 * @example
 * ```ts
 * const rng = new TaskRandom(42, 'arithmetic');
 * rng.int(10);               // an integer in [0, 10)
 * rng.pick(['a', 'b', 'c']); // one of them
 * ```
 */
export class TaskRandom {
  private readonly key: number;
  private i = 0;

  constructor(
    readonly seed: number,
    readonly name: string,
  ) {
    this.key = fnv1a32(`${seed}/${name}`);
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return philoxUniform(this.key, 0, this.i++);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }

  /** An integer in [lo, hi] (both included). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** One element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** An index drawn with probability proportional to `weights`. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * Whether `item` (a key shared by every family that uses it, e.g. `country:France`) is held out.
 *
 * @example
 * ```ts
 * isHeldOut('country:France', 0.2, 0); // the same answer in every run and family
 * ```
 */
export function isHeldOut(item: string, fraction: number, splitSeed = 0): boolean {
  if (fraction <= 0) return false;
  if (fraction >= 1) return true;
  return philoxUniform(fnv1a32(`${splitSeed}/split`), fnv1a32(item), 0) < fraction;
}
