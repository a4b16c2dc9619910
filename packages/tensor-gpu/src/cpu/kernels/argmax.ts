/**
 * CPU kernel of `argmax`: the index of the largest value along `axis`, the first one on ties.
 * x is viewed as (outer, n, inner) around the axis. Example: [[1,3,3],[2,0,1]] axis 1 → [1, 0].
 */
import type { CpuKernel } from './kernel.js';

export const argmaxKernel: CpuKernel<'argmax'> = ({
  inputs: { x },
  outputs: { indices },
  attrs: { axis },
}) => {
  const shape = x.shape;
  const n = shape[axis]!;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const xa = x.storage;
  const out = indices.storage;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = xa[base]!;
      let bestJ = 0;
      for (let j = 1; j < n; j++) {
        const v = xa[base + j * inner]!;
        if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          bestJ = j;
        }
      }
      out[o * inner + i] = bestJ;
    }
  }
};
