/**
 * Masked reductions: the building blocks every RL loss uses, because a batch of responses is padded
 * and only some positions count.
 *
 * ```
 * x    [[1, 2, 9],       mask [[1, 1, 0],      maskedMean = (1 + 2 + 4) / 3 = 7/3
 *       [4, 9, 9]]             [1, 0, 0]]      maskedVar (unbiased) = Σ(x − 7/3)² / (3 − 1) = 7/3
 * ```
 *
 * TRL (`trl.experimental.ppo`: `masked_mean`, `masked_var`, `masked_whiten`) is the reference;
 * where we differ, and why:
 * - An empty mask gives 0 here (TRL: 0/0 = NaN, or a ValueError in `masked_var`): a fully masked
 *   micro-batch must contribute nothing, not poison the step.
 * - The unbiased variance of a single element is 0 here (TRL divides by n − 1 = 0).
 * - `maskedWhiten` writes 0 at masked positions (TRL leaves them whitened and every caller then
 *   fills them with 0; doing it here removes that step).
 *
 * All are tensor-gpu ops: differentiable, on any backend, no read-back. Masks are float tensors of
 * 0s and 1s with the shape of `x`.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { tidy } from '@llmforge/tensor-gpu';
import { sameShape } from './check.js';

/** `n` where n > 0, else 1: a denominator that turns 0/0 into 0. */
function atLeastOne(n: Tensor): Tensor {
  return n.add(n.eq(0));
}

/**
 * Σ x·mask, over `axis` (default: all elements).
 *
 * @example
 * ```ts
 * maskedSum(tensor([[1, 2], [3, 4]]), tensor([[1, 0], [1, 1]])).dataSync(); // [8]
 * maskedSum(x, mask, 1); // per row: [1, 7]
 * ```
 */
export function maskedSum(x: Tensor, mask: Tensor, axis?: number): Tensor {
  sameShape('maskedSum', { x, mask });
  return tidy(() => x.mul(mask).sum(axis));
}

/**
 * Σ x·mask / Σ mask over `axis` (default: all elements); 0 where the mask is empty.
 *
 * @example
 * ```ts
 * maskedMean(tensor([[1, 2], [3, 4]]), tensor([[1, 0], [1, 1]])).dataSync(); // [8/3]
 * ```
 */
export function maskedMean(x: Tensor, mask: Tensor, axis?: number): Tensor {
  sameShape('maskedMean', { x, mask });
  return tidy(() =>
    x
      .mul(mask)
      .sum(axis)
      .div(atLeastOne(mask.sum(axis))),
  );
}

/**
 * The variance of the masked elements (all of them together), unbiased (÷ (n − 1)) by default.
 *
 * @example
 * ```ts
 * maskedVar(tensor([1, 2, 4, 9]), tensor([1, 1, 1, 0])).dataSync(); // [7/3]
 * ```
 */
export function maskedVar(x: Tensor, mask: Tensor, options: { unbiased?: boolean } = {}): Tensor {
  sameShape('maskedVar', { x, mask });
  return tidy(() => {
    const centered = x.sub(maskedMean(x, mask));
    const variance = maskedMean(centered.square(), mask);
    if (options.unbiased === false) return variance;
    const n = mask.sum();
    return variance.mul(n.div(n.sub(1).maximum(1))); // n/(n−1); 1 when n ≤ 1
  });
}

/** Options of {@link maskedWhiten}. */
export interface WhitenOptions {
  /** Subtract the mean (default true); false only rescales (TRL whitens rewards that way). */
  shiftMean?: boolean;
  /** Added to the variance before the square root (default 1e-8, as TRL). */
  eps?: number;
}

/**
 * (x − mean) / sqrt(var + eps) over the masked elements, 0 at masked-out positions. PPO whitens its
 * advantages this way so that their scale does not depend on the reward's.
 *
 * @example
 * ```ts
 * maskedWhiten(tensor([1, 2, 3, 100]), tensor([1, 1, 1, 0])).dataSync(); // [-1, 0, 1, 0]
 * ```
 */
export function maskedWhiten(x: Tensor, mask: Tensor, options: WhitenOptions = {}): Tensor {
  sameShape('maskedWhiten', { x, mask });
  const eps = options.eps ?? 1e-8;
  return tidy(() => {
    const mean = maskedMean(x, mask);
    const scaled = x.sub(mean).mul(maskedVar(x, mask).add(eps).rsqrt());
    return (options.shiftMean === false ? scaled.add(mean) : scaled).mul(mask);
  });
}
