/**
 * How a data mix splits a batch: each extra source gets `round(weight · batchSize)` rows, the first
 * (main) source the rest. Pure arithmetic, shared by the config check and `MixedTokenLoader`.
 */

/**
 * Rows per batch of each source: `round(weight · batchSize)` for every source but the first, which
 * takes the rest. A source may come out with 0 rows (or the first with fewer): callers check.
 *
 * @example
 * ```ts
 * mixRows([0.75, 0.25], 16); // [12, 4]
 * mixRows([0.7, 0.2, 0.1], 16); // [11, 3, 2]
 * ```
 */
export function mixRows(weights: readonly number[], batchSize: number): number[] {
  const rows = weights.map((w) => Math.round(w * batchSize));
  rows[0] = batchSize - rows.slice(1).reduce((s, r) => s + r, 0);
  return rows;
}
