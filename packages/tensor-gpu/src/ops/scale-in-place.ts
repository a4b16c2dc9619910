/**
 * In-place scaling of a list of tensors by a one-element device tensor (torch's `_foreach_mul_`
 * with a tensor scalar), one op for the whole list. Not recorded: it is for gradients and other
 * tensors outside the graph; every tensor's version counter is bumped, so a tape that saved one of
 * them refuses to run its backward on the changed values.
 */
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/**
 * xs[i] ← xs[i]·scale, in place, for every tensor of `xs` (`scale` has one element and the
 * tensors' dtype; it stays on the device, so nothing is read back).
 *
 * @example
 * ```ts
 * const grads = model.parameters().map((p) => p.grad!);
 * scaleInPlace(grads, tensor([0.5]));   // every gradient halved, no new tensors
 * ```
 */
export function scaleInPlace(xs: readonly Tensor[], scale: Tensor): void {
  const backend = commonBackend('scaleInPlace', [scale, ...xs]);
  runOp('scaleInPlace', backend, { scale }, { xs }, {});
}
