/**
 * Indexing by id: `gather` (embedding lookup) and its backward, `scatterAdd`.
 */
import { formatShape, ShapeError } from '../../errors.js';
import type { IdCheck } from '../id-check.js';
import { requireDType, requireFloat, requireMinRank } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/**
 * The id check of `gather` with a table of `tableShape` (the CPU kernel's message).
 *
 * @example
 * ```ts
 * idError(gatherIdCheck([3, 2]), 5, 1).message;
 * // gather: expected ids in [0, 3) for a table of shape (3,2), found id 5 at position 1; hint: ...
 * ```
 */
export function gatherIdCheck(tableShape: readonly number[]): IdCheck {
  const V = tableShape[0] ?? 0;
  return {
    operation: 'gather',
    bound: V,
    expected: `ids in [0, ${V}) for a table of shape ${formatShape(tableShape)}`,
    found: (id, i) => `id ${id} at position ${i}`,
    hint: 'is the vocabulary size of the model smaller than the tokenizer’s?',
  };
}

/** The id check of `scatterAdd` into `rows` rows. */
export function scatterAddIdCheck(rows: number): IdCheck {
  return {
    operation: 'scatterAdd',
    bound: rows,
    expected: `ids in [0, ${rows})`,
    found: (id, i) => `id ${id} at position ${i}`,
    hint: 'scatterAdd takes the ids of the gather it is the backward of: each must be a row of the result',
  };
}

/** Signatures of the indexing ops (`T` is how a tensor is represented). */
export interface IndexingOps<T> {
  /** Embedding lookup: y[..., :] = table[ids[...], :]. table (V,...R), ids i32 (...I) → (...I,...R). */
  gather: { inputs: { table: T; ids: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /** Backward of gather: y = zeros(rows,...R); y[ids[i]] += src[i]. ids (...I), src (...I,...R). */
  scatterAdd: { inputs: { ids: T; src: T }; outputs: { y: T }; inouts: NoTensors; attrs: { rows: number } };
}

/** Shape/dtype inference and validation of the indexing ops. */
export const INDEXING_INFERENCE: Inferences<IndexingOps<TensorMeta>> = {
  gather: ({ table, ids }) => {
    requireMinRank('gather', 'table', table, 1);
    requireDType('gather', 'ids', ids, 'i32');
    return { y: { shape: [...ids.shape, ...table.shape.slice(1)], dtype: table.dtype } };
  },
  scatterAdd: ({ ids, src }, _io, { rows }) => {
    requireDType('scatterAdd', 'ids', ids, 'i32');
    requireFloat('scatterAdd', 'src', src);
    const ok = src.shape.length >= ids.shape.length && ids.shape.every((d, i) => src.shape[i] === d);
    if (!ok || !Number.isInteger(rows) || rows < 0) {
      throw new ShapeError({
        operation: 'scatterAdd',
        expected: 'src of shape (...ids.shape, ...rest) and integer rows ≥ 0',
        found: `ids ${formatShape(ids.shape)}, src ${formatShape(src.shape)}, rows ${rows}`,
        hint: 'src holds one row per id: its leading axes are the shape of ids',
      });
    }
    return { y: { shape: [rows, ...src.shape.slice(ids.shape.length)], dtype: src.dtype } };
  },
};
