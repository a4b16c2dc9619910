/**
 * The NaN/Inf guard. The loop reads two numbers per step anyway (the loss and the global gradient
 * norm); a NaN or an infinity in any gradient makes the norm non-finite, so checking those two
 * costs nothing. Only when one is bad does {@link firstNonFiniteGradient} read each gradient's sum
 * of squares to name the parameter.
 */

import { noGrad, tidy } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { NonFiniteError } from '../errors.js';

/** The name of the first parameter (in model order) whose gradient holds a NaN or an infinity. */
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
