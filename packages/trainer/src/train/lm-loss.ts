/**
 * The language-model loss as the trainer computes it: mean cross entropy of the logits at every
 * position against the next token (nanoGPT's `x, y` convention: targets are the inputs shifted by
 * one, supplied by the loader, so all T positions of a row are scored).
 *
 * `scale` multiplies the loss before backpropagation: 1/accumulation steps (so accumulated
 * gradients are those of the mean over the large batch) times the loss scale in mixed precision.
 * Logits are widened to f32 first, as autocast does: an f16 loss times a 65,536 loss scale would
 * overflow f16's largest finite value (65,504).
 */

import { type Backend, crossEntropy, type Tensor, tensor } from '@llmforge/tensor-gpu';
import type { ForwardOutput } from '@llmforge/transformer';

/**
 * Targets (B·T ids) as an i32 tensor.
 *
 * @example
 * ```ts
 * const y = targetsTensor(batch.targets, backend); // i32 (B·T)
 * ```
 */
export function targetsTensor(targets: Int32Array, backend: Backend): Tensor {
  return tensor(targets, [targets.length], 'i32', backend);
}

/**
 * A `loss` function for `Model.forwardBackward`: scale · mean cross entropy against `targets`.
 *
 * @example
 * ```ts
 * const y = targetsTensor(batch.targets, backend);
 * const scaled = model.forwardBackward(ids, { loss: lmLoss(y, 1 / accumSteps) });
 * ```
 */
export function lmLoss(targets: Tensor, scale = 1): (out: ForwardOutput) => Tensor {
  return ({ logits }) => {
    const V = logits!.shape[2]!;
    const l = logits!.reshape([-1, V]); // (N, V)
    const loss = crossEntropy(l.dtype === 'f32' || l.dtype === 'f64' ? l : l.cast('f32'), targets);
    return scale === 1 ? loss : loss.mul(scale);
  };
}
