/**
 * Gradient health and clipping, in the order the loop uses them:
 *
 * 1. {@link globalGradNorm}: ‖g‖ = √(Σ_params Σ g²), computed on the device, one number read back;
 * 2. the NaN/Inf guard ({@link checkFinite}): a NaN or an infinity in any gradient makes the norm
 *    non-finite, so checking the loss and the norm costs nothing more; only when one is bad does
 *    {@link firstNonFiniteGradient} read each gradient's sum of squares to name the parameter —
 *    before anything has touched the gradients, so the name is the right one;
 * 3. {@link scaleGradients} by torch's clip coefficient min(1, maxNorm / (‖g‖ + 10⁻⁶)).
 */

import { noGrad, type Tensor, tidy } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { NonFiniteError } from '../errors.js';

/**
 * The name of the first parameter (in model order) whose gradient holds a NaN or an infinity.
 *
 * @example
 * ```ts
 * await firstNonFiniteGradient(model); // 'h.1.mlp.up.weight' or null
 * ```
 */
export async function firstNonFiniteGradient(model: Model): Promise<string | null> {
  for (const [name, p] of model.namedParameters()) {
    if (p.grad === null) continue;
    const s = noGrad(() => tidy(() => p.grad!.cast('f32').square().sum()));
    const v = await s.item();
    s.dispose();
    if (!Number.isFinite(v)) return name;
  }
  return null;
}

/**
 * Throws {@link NonFiniteError} naming the step and the parameter (or the loss) when the loss or
 * the gradient norm is not finite.
 *
 * @example
 * ```ts
 * await checkFinite(model, step, loss, gradNorm); // throws at step 317: h.2.mlp.up.weight
 * ```
 */
export async function checkFinite(model: Model, step: number, loss: number, gradNorm: number): Promise<void> {
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return;
  const parameter = await firstNonFiniteGradient(model);
  throw new NonFiniteError({
    operation: 'train',
    where: `step ${step}`,
    expected: 'a finite loss and finite gradients',
    found:
      parameter === null
        ? `loss ${loss}`
        : `loss ${loss}, gradient norm ${gradNorm}, first non-finite gradient in ${parameter}`,
    hint: 'lower optimizer.lr, keep clipGradNorm on, or check the data; the last checkpoint on disk is the last good state',
    step,
    ...(parameter === null ? {} : { parameter }),
  });
}

/**
 * The global L2 norm of the gradients of `params` (those that have one), as torch's
 * `clip_grad_norm_` computes it, read back as a number.
 *
 * @example
 * ```ts
 * const norm = await globalGradNorm(model.parameters());
 * ```
 */
export async function globalGradNorm(params: readonly Tensor[]): Promise<number> {
  const withGrad = params.filter((p) => p.grad !== null);
  if (withGrad.length === 0) return 0;
  const total = noGrad(() =>
    tidy(() => {
      let sum: Tensor | undefined;
      for (const p of withGrad) {
        const g = p.grad!;
        const s = (g.dtype === 'f16' ? g.cast('f32') : g).square().sum();
        sum = sum === undefined ? s : sum.add(s);
      }
      return sum!;
    }),
  );
  try {
    return Math.sqrt(await total.item());
  } finally {
    total.dispose();
  }
}

/**
 * torch's clip coefficient: min(1, maxNorm / (norm + 1e-6)); 1 when clipping is off (null).
 *
 * @example
 * ```ts
 * clipCoefficient(5, 1);    // ≈ 0.2
 * clipCoefficient(0.5, 1);  // 1
 * clipCoefficient(5, null); // 1
 * ```
 */
export function clipCoefficient(norm: number, maxNorm: number | null): number {
  return maxNorm === null ? 1 : Math.min(1, maxNorm / (norm + 1e-6));
}

/**
 * Multiplies every gradient by `factor` in place (nothing to do for 1).
 *
 * @example
 * ```ts
 * scaleGradients(model.parameters(), clipCoefficient(norm, 1.0));
 * ```
 */
export function scaleGradients(params: readonly Tensor[], factor: number): void {
  if (factor === 1) return;
  noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (g !== null) p.grad = tidy(() => g.mul(factor));
    }
  });
}
