/**
 * Selection ops: argmax, topK, sampleTokens. Their integer outputs have no gradient (a loss built
 * from them alone cannot be backpropagated, and `backward()` says so); topK's values are
 * differentiable: when x requires grad they are re-read with `takeAlongAxis`, whose backward
 * scatters dy to the chosen positions.
 */
import { requireBoolean, requireGenerator, requireNumber, requireOptions } from '../arguments.js';
import { needsGrad } from '../autograd/node.js';
import { normalizeAxis, type SampleAttrs } from '../backend/ops.js';
import { type PhiloxStream, uniformCounters } from '../random/philox.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';
import { takeAlongAxisUnchecked } from './take-along-axis.js';

/**
 * Index (i32) of the largest value along `axis` (default last), first on ties.
 *
 * @example
 * ```ts
 * argmax(tensor([[1, 3, 2]])).dataSync(); // Int32Array [1]
 * ```
 */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  const a = normalizeAxis('argmax', axis, requireTensor('argmax', 'x', x).rank);
  const keep = requireBoolean('argmax', 'keepDims', keepDims, false);
  return runOp('argmax', x.backend, { x }, {}, { axis: a, keepDims: keep }).indices;
}

/**
 * The k largest values along the last axis, descending, with their indices (ties: lower index).
 * The values carry gradient to x; the indices are i32.
 *
 * @example
 * ```ts
 * const { values, indices } = topK(tensor([3, 1, 4, 1, 5]), 2); // [5, 4], [4, 2]
 * ```
 */
export function topK(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const out = runOp('topK', requireTensor('topK', 'x', x).backend, { x }, {}, { k });
  if (!needsGrad([x])) return out;
  const values = takeAlongAxisUnchecked(x, out.indices, x.rank - 1);
  out.values.dispose();
  return { values, indices: out.indices };
}

/** Sampling settings of `sampleTokens` (each filter off by default). */
export interface SampleOptions {
  /** 0 = greedy (default 1). */
  temperature?: number;
  /** Keep the k most likely tokens, ties with the k-th included (0 = off). */
  topK?: number;
  /** Keep the smallest set of most likely tokens with this much mass (1 = off). */
  topP?: number;
  /** Drop tokens below minP × the top probability (0 = off). */
  minP?: number;
}

/**
 * One token id per row of logits (B,V), sampled on the device (only the ids need reading back):
 * temperature, top-k, top-p and min-p as defined in `sampling/filters.ts` (Hugging Face's order and
 * semantics), then the choice of `sampling/pick.ts`. Draws one uniform per row from `gen` (its
 * offset advances by ⌈B/4⌉). A row that cannot be sampled (a NaN or +Infinity logit, or none above
 * -Infinity) gets the id `NON_FINITE_ROW` (-1) on every backend: check the ids you read.
 *
 * @example
 * ```ts
 * const ids = sampleTokens(logits, gen, { temperature: 0.8, topK: 50, topP: 0.95 });
 * ```
 */
export function sampleTokens(logits: Tensor, gen: PhiloxStream, options: SampleOptions = {}): Tensor {
  const op = 'sampleTokens';
  requireTensor(op, 'logits', logits);
  requireGenerator(op, gen);
  const o = requireOptions(op, options);
  const attrs: SampleAttrs = {
    temperature: requireNumber(op, 'temperature', o.temperature ?? 1, {
      min: 0,
      hint: '0 is greedy decoding; 1 samples the model’s distribution',
    }),
    topK: requireNumber(op, 'topK', o.topK ?? 0, { integer: true, min: 0, hint: '0 turns top-k off' }),
    topP: requireNumber(op, 'topP', o.topP ?? 1, { min: 0, max: 1, hint: '1 turns top-p off' }),
    minP: requireNumber(op, 'minP', o.minP ?? 0, { min: 0, max: 1, hint: '0 turns min-p off' }),
    seed: gen.seed,
    offset: gen.offset,
  };
  const { ids } = runOp('sampleTokens', logits.backend, { logits }, {}, attrs);
  gen.offset += uniformCounters(logits.shape[0] ?? 0);
  return ids;
}
