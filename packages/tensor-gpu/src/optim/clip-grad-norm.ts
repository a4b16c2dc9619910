/**
 * Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: the L2 norm of all gradients
 * together, ‖g‖ = √(Σ_params Σ g²); every gradient is scaled by min(1, maxNorm / (‖g‖ + 1e-6)).
 *
 * Worked example: two gradients [3] and [4] have norm 5; with maxNorm 1 both are scaled by
 * 1/(5 + 1e-6) ≈ 0.2, giving [0.6] and [0.8] (norm ≈ 1).
 *
 * Everything runs on the device; the norm is returned as a scalar tensor, so clipping never forces a
 * read-back (`await norm.item()` when you want to log it, then dispose it).
 *
 * Fused as torch's foreach path is: one `sumSquares` reduction per gradient (Σg² in one pass, no
 * squared temporary), the partial sums concatenated and summed in parameter order (deterministic),
 * four scalar ops for the coefficient, and one `scaleInPlace` op that multiplies every gradient by it
 * where it lies: about n + 7 ops for n parameters instead of 4n, and no new gradient tensors.
 */

import { describeValue, requireOptions } from '../arguments.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../autograd/tidy.js';
import { concat } from '../ops/concat.js';
import { defaultBackend, zeros } from '../ops/creation.js';
import { scaleInPlace } from '../ops/scale-in-place.js';
import { Tensor } from '../tensor.js';
import { OptimizerConfigError } from './optimizer-config-error.js';
import { checkRange } from './param-groups.js';

/**
 * Scales the gradients of `params` in place so their global L2 norm is at most `maxNorm`; returns
 * the norm before clipping (a scalar f32 tensor the caller owns). The `.grad` tensors are the same
 * objects afterwards, their values multiplied (as torch's `clip_grad_norm_`).
 *
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * console.log('grad norm', await norm.item());
 * norm.dispose();
 * ```
 */
export function clipGradNorm(
  params: readonly Tensor[],
  maxNorm: number,
  options: { eps?: number } = {},
): Tensor {
  if (!Array.isArray(params) || params.some((p) => !(p instanceof Tensor))) {
    throw new OptimizerConfigError({
      operation: 'clipGradNorm',
      expected: 'params an array of tensors',
      found: describeValue(params),
      hint: 'pass model.parameters()',
    });
  }
  checkRange('clipGradNorm', 'maxNorm', maxNorm, 0, Number.POSITIVE_INFINITY);
  const eps = requireOptions('clipGradNorm', options, 'options', OptimizerConfigError).eps ?? 1e-6;
  checkRange('clipGradNorm', 'eps', eps, 0, Number.POSITIVE_INFINITY);
  const withGrad = params.filter((p) => p.grad !== null);
  if (withGrad.length === 0) return zeros([], 'f32', params[0]?.backend ?? defaultBackend());
  const grads = withGrad.map((p) => p.grad!);
  return noGrad(() =>
    tidy(() => {
      // Σg² per gradient (f16 is widened first: its squares would overflow), one partial each
      const partials = grads.map((g) =>
        (g.dtype === 'f32' || g.dtype === 'f64' ? g : g.cast('f32')).sumSquares().reshape([1]),
      );
      const dtype = partials.every((s) => s.dtype === 'f64') ? 'f64' : 'f32';
      const total = concat(
        partials.map((s) => (s.dtype === dtype ? s : s.cast(dtype))),
        0,
      ).sum();
      const norm = total.sqrt();
      const coef = norm.add(eps).rdiv(maxNorm).minimum(1);
      // one in-place scaling op per gradient dtype (usually one)
      for (const gdtype of new Set(grads.map((g) => g.dtype))) {
        const group = grads.filter((g) => g.dtype === gdtype);
        scaleInPlace(group, coef.dtype === gdtype ? coef : coef.cast(gdtype));
      }
      return norm.dtype === 'f32' ? norm : norm.cast('f32');
    }),
  );
}
