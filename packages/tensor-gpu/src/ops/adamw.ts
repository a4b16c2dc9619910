/**
 * The fused, in-place AdamW update (torch.optim.AdamW semantics), run on the device. Not recorded:
 * call it outside the graph (optimizers run it for each parameter).
 */
import type { AdamWAttrs } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/**
 * One AdamW step on `param` with its `grad` and state `m`, `v` (all updated in place).
 *
 * @example
 * ```ts
 * adamwUpdate(w, w.grad!, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1 });
 * ```
 */
export function adamwUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, attrs: AdamWAttrs): void {
  const backend = commonBackend('adamw', [param, grad, m, v]);
  runOp('adamw', backend, { grad }, { param, m, v }, attrs);
}
