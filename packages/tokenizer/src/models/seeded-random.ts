/**
 * The package's one seeded generator (mulberry32: a 32-bit state, one add and three xor-shift-multiply
 * steps per draw). BPE-dropout and Unigram sampling take it so that a seed reproduces a run.
 *
 *     const rng = seededRandom(42);
 *     rng(); // 0.6011037519201636, the same on every machine
 */

/**
 * A uniform generator in [0, 1) from a 32-bit seed.
 *
 * @example
 * ```ts
 * import { seededRandom } from '@llmforge/tokenizer';
 * const rng = seededRandom(7);
 * const draws = [rng(), rng()]; // the same two numbers on every run
 * ```
 */
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
