/**
 * Selection ops: indices of the largest values (`argmax`, `topK`) and one sampled token per row
 * (`sampleTokens`, whose filters are defined once in `src/sampling/filters.ts`).
 */
import { formatShape, ShapeError } from '../../errors.js';
import { lastDim, requireAxes, requireFloat, requireMinRank, requireRank } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Sampling settings; each filter is off at its neutral value (topK 0, topP 1, minP 0). */
export interface SampleAttrs {
  /** 0 means greedy (argmax, lowest index on ties); otherwise logits are divided by it. */
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  seed: number;
  offset: number;
}

/** Signatures of the selection ops (`T` is how a tensor is represented). */
export interface SelectionOps<T> {
  /** indices (i32) of the largest value along `axis`, first one on ties. */
  argmax: {
    inputs: { x: T };
    outputs: { indices: T };
    inouts: NoTensors;
    attrs: { axis: number; keepDims: boolean };
  };
  /** The k largest along the last axis, descending; ties: lower index first. (...,V) → (...,k) ×2. */
  topK: { inputs: { x: T }; outputs: { values: T; indices: T }; inouts: NoTensors; attrs: { k: number } };
  /**
   * One token per row. logits (B,V) → ids i32 (B). temperature 0: argmax (first on ties). Otherwise
   * the filters of `sampling/filters.ts` on s = logits/temperature, in HF's order and semantics:
   * top-k keeps s ≥ the k-th largest (ties stay), top-p keeps, in order (s desc, id asc), the tokens
   * whose probability mass before them is < topP, min-p drops s − max s < ln minP; then
   * u = philoxUniform(seed, offset, b) picks the first kept token, in vocabulary order, whose
   * running sum of kept probabilities exceeds u·Σ kept (`sampling/pick.ts`).
   */
  sampleTokens: { inputs: { logits: T }; outputs: { ids: T }; inouts: NoTensors; attrs: SampleAttrs };
}

/** Shape/dtype inference and validation of the selection ops. */
export const SELECTION_INFERENCE: Inferences<SelectionOps<TensorMeta>> = {
  argmax: ({ x }, _io, { axis, keepDims }) => {
    requireAxes('argmax', [axis], x.shape.length);
    if (x.shape[axis] === 0) {
      throw new ShapeError({
        operation: 'argmax',
        expected: 'a non-empty axis',
        found: formatShape(x.shape),
        hint: 'an axis of size 0 has no largest entry',
      });
    }
    const shape = keepDims
      ? x.shape.map((d, i) => (i === axis ? 1 : d))
      : x.shape.filter((_, i) => i !== axis);
    return { indices: { shape, dtype: 'i32' } };
  },
  topK: ({ x }, _io, { k }) => {
    requireMinRank('topK', 'x', x, 1);
    const V = lastDim(x);
    if (!Number.isInteger(k) || k < 1 || k > V) {
      throw new ShapeError({
        operation: 'topK',
        expected: `k in [1, ${V}] (the size of the last axis)`,
        found: `k=${k} for x ${formatShape(x.shape)}`,
        hint: 'k is a whole number of entries, at most the size of the last axis',
      });
    }
    const shape = [...x.shape.slice(0, -1), k];
    return { values: { shape, dtype: x.dtype }, indices: { shape: [...shape], dtype: 'i32' } };
  },
  sampleTokens: ({ logits }, _io, { topK }) => {
    requireFloat('sampleTokens', 'logits', logits);
    requireRank('sampleTokens', 'logits', logits, 2, '(B,V)');
    if (!Number.isInteger(topK) || topK < 0) {
      throw new ShapeError({
        operation: 'sampleTokens',
        expected: 'topK an integer ≥ 0 (0 = off)',
        found: String(topK),
        hint: 'topK keeps the k most likely tokens; 0 turns it off',
      });
    }
    return { ids: { shape: [logits.shape[0]!], dtype: 'i32' } };
  },
};
