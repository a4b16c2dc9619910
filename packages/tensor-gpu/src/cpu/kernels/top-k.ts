/**
 * CPU kernel of `topK`: the k largest values of each row (last axis), descending, lower index first
 * on ties. Small k keeps a sorted buffer of the best k seen (one comparison per element in the common
 * case); large k sorts an index array.
 *
 * Example: [3, 1, 4, 1, 5], k 3 → values [5, 4, 3], indices [4, 2, 0].
 */
import type { CpuKernel } from './kernel.js';

export const topKKernel: CpuKernel<'topK'> = ({
  inputs: { x },
  outputs: { values, indices },
  attrs: { k },
}) => {
  const V = x.shape[x.shape.length - 1]!;
  const rows = V === 0 ? 0 : x.storage.length / V;
  const xa = x.storage;
  const va = values.storage;
  const ia = indices.storage;
  if (k <= 64) {
    const bestV = new Float64Array(k);
    const bestI = new Int32Array(k);
    for (let r = 0; r < rows; r++) {
      const base = r * V;
      let count = 0;
      for (let j = 0; j < V; j++) {
        const v = xa[base + j]!;
        if (count === k && !(v > bestV[k - 1]!)) continue;
        // insertion: shift smaller entries right (strictly smaller, so earlier indices stay first)
        let p = count < k ? count : k - 1;
        while (p > 0 && v > bestV[p - 1]!) {
          bestV[p] = bestV[p - 1]!;
          bestI[p] = bestI[p - 1]!;
          p--;
        }
        bestV[p] = v;
        bestI[p] = j;
        if (count < k) count++;
      }
      for (let t = 0; t < k; t++) {
        va[r * k + t] = bestV[t]!;
        ia[r * k + t] = bestI[t]!;
      }
    }
    return;
  }
  const order = new Int32Array(V);
  for (let r = 0; r < rows; r++) {
    const base = r * V;
    for (let j = 0; j < V; j++) order[j] = j;
    order.sort((i, j) => xa[base + j]! - xa[base + i]! || i - j);
    for (let t = 0; t < k; t++) {
      va[r * k + t] = xa[base + order[t]!]!;
      ia[r * k + t] = order[t]!;
    }
  }
};
