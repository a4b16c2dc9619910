/**
 * CPU kernel of `gather` (embedding lookup): y[i, :] = table[ids[i], :], ids flattened.
 * Example: table (3,2) = [[0,1],[2,3],[4,5]], ids [2,0] → [[4,5],[0,1]].
 */
import { formatShape, ShapeError } from '../../errors.js';
import { type CpuKernel, intData } from './kernel.js';

export const gatherKernel: CpuKernel<'gather'> = ({ inputs: { table, ids }, outputs: { y } }) => {
  const V = table.shape[0]!;
  const row = V === 0 ? 0 : table.storage.length / V;
  const ta = table.storage;
  const ia = intData('gather', ids.storage);
  const ya = y.storage;
  for (let i = 0; i < ia.length; i++) {
    const id = ia[i]!;
    if (id < 0 || id >= V) {
      throw new ShapeError({
        operation: 'gather',
        expected: `ids in [0, ${V}) for a table of shape ${formatShape(table.shape)}`,
        found: `id ${id} at position ${i}`,
        hint: 'is the vocabulary size of the model smaller than the tokenizer’s?',
      });
    }
    if (row === 1) ya[i] = ta[id]!;
    else ya.set(ta.subarray(id * row, (id + 1) * row), i * row);
  }
};
