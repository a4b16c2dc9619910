/**
 * CPU kernel of `scatterAdd` (the backward of gather): y = zeros(rows, ...); y[ids[i]] += src[i].
 * Repeated ids add up: ids [1,1], src [[1,2],[3,4]], rows 2 → [[0,0],[4,6]].
 */
import { ShapeError } from '../../errors.js';
import { type CpuKernel, intData } from './kernel.js';

export const scatterAddKernel: CpuKernel<'scatterAdd'> = ({
  inputs: { ids, src },
  outputs: { y },
  attrs: { rows },
}) => {
  const ia = intData('scatterAdd', ids.storage);
  const sa = src.storage;
  const ya = y.storage;
  const row = ia.length === 0 ? 0 : sa.length / ia.length;
  ya.fill(0);
  for (let i = 0; i < ia.length; i++) {
    const id = ia[i]!;
    if (id < 0 || id >= rows) {
      throw new ShapeError({
        operation: 'scatterAdd',
        expected: `ids in [0, ${rows})`,
        found: `id ${id} at position ${i}`,
      });
    }
    const yo = id * row;
    const so = i * row;
    for (let c = 0; c < row; c++) ya[yo + c] = ya[yo + c]! + sa[so + c]!;
  }
};
