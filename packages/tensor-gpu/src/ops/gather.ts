/**
 * embedding / gather: y[..., :] = table[ids[...], :]; backward scatters dy back into a zero table,
 * adding rows whose id repeats (`scatterAdd`). ids are i32 and get no gradient.
 * Example: table (V=3, C=2), ids (B=2, T=4) → y (2, 4, 2).
 */
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/**
 * Rows of `table` picked by integer `ids` (any shape).
 *
 * @example
 * ```ts
 * embedding(tensor([[0, 1], [2, 3], [4, 5]]), tensor([2, 0], [2], 'i32')).dataSync(); // [4, 5, 0, 1]
 * ```
 */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  const backend = commonBackend('embedding', [table, ids]);
  const { y } = runOp('gather', backend, { table, ids }, {}, {});
  const rows = table.shape[0]!;
  record('embedding', [table], y, [ids], (dy, [sids]) => [
    runOp('scatterAdd', dy.backend, { ids: sids!, src: dy }, {}, { rows }).y,
  ]);
  return y;
}
