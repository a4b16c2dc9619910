/**
 * The entropy of the next-token distribution at each position, from logits:
 *
 * ```
 * H = −Σ_v p_v log p_v,   p = softmax(logits)        logits [0, 0] → ln 2 = 0.693
 * ```
 *
 * TRL's PPO logs it as `logsumexp(logits) − Σ p·logits`, the same quantity written through
 * logsumexp; here it is Σ over the vocabulary of softmax × log-softmax (both fused, max-shifted, so
 * no overflow). Differentiable: an entropy bonus can be added to a loss.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { tidy } from '@llmforge/tensor-gpu';

/**
 * Entropy over the last axis: logits (..., V) → (...).
 *
 * @example
 * ```ts
 * const { logits } = model.forward(ids);                 // (B, T, V)
 * const h = maskedMean(entropyFromLogits(logits!), mask); // mean entropy of the response tokens
 * ```
 */
export function entropyFromLogits(logits: Tensor): Tensor {
  return tidy(() => logits.softmax(-1).mul(logits.logSoftmax(-1)).sum(-1).neg());
}
