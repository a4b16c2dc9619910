/**
 * Growing a typed array: the trainers, the Unigram lattice and the trie keep their tables in flat
 * typed arrays and double them when full.
 *
 *     grown(Int32Array.of(1, 2), 4)      -> Int32Array [1, 2, 0, 0]
 *     grown(Int32Array.of(1, 2), 4, -1)  -> Int32Array [1, 2, -1, -1]
 */

/**
 * A new array of the same type as `a` with room for `size` entries: `a` copied in, the rest `fill`.
 *
 * @example
 * ```ts
 * let ids = new Int32Array(2);
 * ids = grown(ids, ids.length * 2); // length 4, the first 2 kept
 * ```
 */
export function grown<T extends Int32Array | Float64Array>(a: T, size: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
