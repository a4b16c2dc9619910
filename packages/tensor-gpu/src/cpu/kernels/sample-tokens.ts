/**
 * CPU kernel of `sampleTokens`: one token id per row of logits (B,V). Temperature 0 (or V = 1) is
 * greedy (argmax, first on ties); otherwise each row runs the filters of `sampling/filters.ts`
 * (temperature → top-k → top-p → min-p, Hugging Face's order and semantics) and `pickToken` chooses
 * with the row's Philox uniform u = philoxUniform(seed, offset, b). The filters and the choice are
 * defined once there; this kernel only walks the rows. A row with a NaN or +Infinity logit, or none
 * above -Infinity, gets NON_FINITE_ROW (-1), as on the device.
 */
import { philoxUniform } from '../../random/philox.js';
import { applyFilters } from '../../sampling/filters.js';
import { pickToken } from '../../sampling/pick.js';
import { argmaxRow, NON_FINITE_ROW, nonFiniteScores } from '../../sampling/row.js';
import { type CpuKernel, floatData } from './kernel.js';

export const sampleTokensKernel: CpuKernel<'sampleTokens'> = ({
  inputs: { logits },
  outputs: { ids },
  attrs,
}) => {
  const [B, V] = logits.shape as [number, number];
  const { temperature, topK, topP, minP, seed, offset } = attrs;
  const la = floatData('sampleTokens', logits.storage);
  for (let b = 0; b < B; b++) {
    const row = new Float64Array(la.subarray(b * V, (b + 1) * V));
    if (nonFiniteScores(row) !== null) {
      ids.storage[b] = NON_FINITE_ROW;
      continue;
    }
    if (temperature === 0 || V === 1) {
      ids.storage[b] = argmaxRow(row);
      continue;
    }
    applyFilters(row, { temperature, topK, topP, minP });
    ids.storage[b] = pickToken(row, philoxUniform(seed, offset, b));
  }
};
