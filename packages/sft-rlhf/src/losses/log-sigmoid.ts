/**
 * log σ(x), computed stably: log σ(x) = min(x, 0) − log(1 + e^(−|x|)). The plain −log(1 + e^(−x))
 * overflows for x ≪ 0 (e^1000 = ∞); this form never exponentiates a positive number.
 *
 * Worked example: log σ(0) = −ln 2 = −0.693; log σ(−1000) = −1000 (not −∞).
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { tidy } from '@llmforge/tensor-gpu';

/**
 * Elementwise log-sigmoid, differentiable (d/dx = σ(−x) = 1 − σ(x)).
 *
 * @example
 * ```ts
 * logSigmoid(tensor([0, -1000])).dataSync(); // [-0.693, -1000]
 * ```
 */
export function logSigmoid(x: Tensor): Tensor {
  return tidy(() => x.minimum(0).sub(x.abs().neg().exp().add(1).log()));
}
