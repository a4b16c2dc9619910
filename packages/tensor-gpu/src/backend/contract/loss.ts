/**
 * Fused per-row cross entropy and its backward.
 */
import type { IdCheck } from '../id-check.js';
import { requireDType, requireFloat, requireRank, requireShape, same } from './checks.js';
import { statDType } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

function inferCrossEntropy(
  op: string,
  logits: TensorMeta,
  targets: TensorMeta,
  weights: TensorMeta | undefined,
): number {
  requireFloat(op, 'logits', logits);
  requireRank(op, 'logits', logits, 2, '(N,V)');
  const N = logits.shape[0]!;
  requireDType(op, 'targets', targets, 'i32');
  requireShape(op, 'targets', targets, [N], 'one target id per row of logits');
  if (weights) {
    requireFloat(op, 'weights', weights);
    requireShape(op, 'weights', weights, [N], 'one weight per row of logits');
  }
  return N;
}

/**
 * The target check of `crossEntropy` / `crossEntropyBackward` over `V` classes (the CPU kernel's
 * message): targets in [0, V) or equal to `ignoreIndex`.
 *
 * @example
 * ```ts
 * idError(crossEntropyIdCheck('crossEntropy', 3, -100), 5, 0).message;
 * // crossEntropy: expected every target in [0, 3) or equal to ignoreIndex -100, found target 5 at row 0; ...
 * ```
 */
export function crossEntropyIdCheck(op: string, V: number, ignoreIndex: number): IdCheck {
  return {
    operation: op,
    bound: V,
    ignore: ignoreIndex,
    expected: `every target in [0, ${V}) or equal to ignoreIndex ${ignoreIndex}`,
    found: (t, row) => `target ${t} at row ${row}`,
    hint: 'check the vocabulary size of the model against the token ids, or the ignoreIndex value',
  };
}

/** Signatures of the loss ops (`T` is how a tensor is represented). */
export interface LossOps<T> {
  /**
   * Per-row cross entropy. logits (N,V), targets i32 (N), weights (N) optional → lse (N) =
   * log Σ exp(logits), loss (N) = w·(lse − logits[target]); rows whose target is `ignoreIndex` give
   * loss 0. Reductions (mean over non-ignored weight, sum) happen in the Tensor layer.
   */
  crossEntropy: {
    inputs: { logits: T; targets: T; weights?: T };
    outputs: { loss: T; lse: T };
    inouts: NoTensors;
    attrs: { ignoreIndex: number };
  };
  /** dlogits[n,:] = dloss[n]·w[n]·(softmax(logits[n]) − onehot(target[n])), 0 for ignored rows. */
  crossEntropyBackward: {
    inputs: { logits: T; targets: T; weights?: T; lse: T; dloss: T };
    outputs: { dlogits: T };
    inouts: NoTensors;
    attrs: { ignoreIndex: number };
  };
}

/** Shape/dtype inference and validation of the loss ops. */
export const LOSS_INFERENCE: Inferences<LossOps<TensorMeta>> = {
  crossEntropy: ({ logits, targets, weights }) => {
    const N = inferCrossEntropy('crossEntropy', logits, targets, weights);
    const dtype = statDType(logits.dtype);
    return { loss: { shape: [N], dtype }, lse: { shape: [N], dtype } };
  },
  crossEntropyBackward: ({ logits, targets, weights, lse, dloss }) => {
    const N = inferCrossEntropy('crossEntropyBackward', logits, targets, weights);
    requireShape('crossEntropyBackward', 'lse', lse, [N]);
    requireShape('crossEntropyBackward', 'dloss', dloss, [N]);
    return { dlogits: same(logits) };
  },
};
