/**
 * Fused cross entropy from logits with a fused backward: per row n,
 * loss_n = w_n·(logsumexp(logits_n) − logits_n[target_n]), 0 when target_n = ignoreIndex.
 * Reductions: `none` → per-row losses (the shape of targets; −log-probs of the targets, what PPO
 * needs), `sum`, `mean` (÷ Σ w_n over non-ignored rows, like torch with class weights; ÷ count
 * without weights). The denominator is computed on the device: no read-back. When no row is scored
 * (every target ignored: a fully masked SFT micro-batch) the mean is 0 with zero gradients, where
 * torch gives NaN.
 *
 * Example: logits [[2,0],[0,2]], targets [0, −100] → row 0: log(e²+1) − 2 = 0.127, row 1 ignored;
 * mean = 0.127 / 1.
 */
import { requireChoice, requireNumber, requireOptions } from '../arguments.js';
import { record } from '../autograd/node.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/** Options of crossEntropy. */
const REDUCTIONS = ['mean', 'sum', 'none'] as const;

export interface CrossEntropyOptions {
  /** Target id whose rows contribute nothing (default −100, like torch). */
  ignoreIndex?: number;
  /** Per-row weights (the shape of targets), e.g. a loss mask. Not differentiated. */
  weights?: Tensor;
  /** `mean` (default; 0 when every row is ignored), `sum`, or `none`. */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Cross entropy of `logits (..., V)` against integer `targets (...)`.
 *
 * @example
 * ```ts
 * const loss = crossEntropy(logits.reshape([-1, V]), targets.reshape([-1]), { ignoreIndex: -100 });
 * ```
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const o = requireOptions('crossEntropy', options);
  const backend = commonBackend('crossEntropy', [logits, targets, o.weights]);
  const ignoreIndex =
    o.ignoreIndex === undefined
      ? -100
      : requireNumber('crossEntropy', 'ignoreIndex', o.ignoreIndex, {
          integer: true,
          min: -(2 ** 31),
          max: 2 ** 31 - 1,
          hint: 'the label that marks a row as not scored: -100 in torch and Hugging Face',
        });
  const reduction =
    o.reduction === undefined ? 'mean' : requireChoice('crossEntropy', 'reduction', o.reduction, REDUCTIONS);
  if (targets.dtype !== 'i32') {
    throw new DTypeError({
      operation: 'crossEntropy',
      expected: 'targets of dtype i32',
      found: targets.dtype,
      hint: "cast them with .cast('i32')",
    });
  }
  const V = logits.shape[logits.rank - 1] ?? 1;
  const l2 = logits.reshape([-1, V]);
  const t1 = targets.reshape([-1]);
  const w1 = o.weights?.reshape([-1]);
  const inputs = w1 ? { logits: l2, targets: t1, weights: w1 } : { logits: l2, targets: t1 };
  const { loss, lse } = runOp('crossEntropy', backend, inputs, {}, { ignoreIndex });
  record('crossEntropy', [l2], loss, w1 ? [l2, t1, lse, w1] : [l2, t1, lse], (dloss, saved) => {
    const [sl, st, slse, sw] = saved;
    const binputs = sw
      ? { logits: sl!, targets: st!, weights: sw, lse: slse!, dloss }
      : { logits: sl!, targets: st!, lse: slse!, dloss };
    return [runOp('crossEntropyBackward', dloss.backend, binputs, {}, { ignoreIndex }).dlogits];
  });
  lse.dispose();
  l2.dispose();
  let out: Tensor;
  if (reduction === 'none') {
    out = loss.reshape(targets.shape);
  } else {
    const total = loss.sum();
    if (reduction === 'sum') {
      out = total;
    } else {
      // denominator: Σ over non-ignored rows of the weight (1 without weights)
      const valid = runOp(
        'binaryScalar',
        backend,
        { a: t1 },
        {},
        { op: 'ne', scalar: ignoreIndex, reverse: false },
      ).y;
      const validF = valid.dtype === loss.dtype ? valid : valid.cast(loss.dtype);
      const wF = w1 && w1.dtype !== loss.dtype ? w1.cast(loss.dtype) : w1;
      const counted = wF ? validF.mul(wF) : validF;
      const denom = counted.sum();
      // nothing scored (every target ignored, or every weight 0): 0 / 1 = 0, not 0 / 0 = NaN
      const empty = denom.eq(0);
      const safe = denom.add(empty);
      out = total.div(safe);
      for (const t of new Set([valid, validF, counted, denom, empty, safe, total])) t.dispose();
      if (wF !== w1) wF?.dispose();
    }
  }
  loss.dispose();
  t1.dispose();
  w1?.dispose();
  return out;
}
