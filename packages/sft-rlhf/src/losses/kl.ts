/**
 * Per-token estimators of KL(π ‖ π_ref) from tokens sampled from π (Schulman, "Approximating KL
 * Divergence", 2020). With log r = log π_ref(x) − log π(x):
 *
 * ```
 * k1 = −log r                  unbiased, high variance, can be negative
 * k2 = ½ (log r)²              biased (its mean is a second-order approximation), low variance, ≥ 0
 * k3 = (r − 1) − log r         unbiased, low variance, ≥ 0
 * ```
 *
 * Worked example: log π = −1, log π_ref = −2 → log r = −1: k1 = 1, k2 = 0.5, k3 = e⁻¹ − 1 + 1 = 0.368.
 *
 * k1 and k3 are unbiased because E_π[r] = 1: summed over a whole vocabulary weighted by π they give
 * the exact KL (the tests check that). TRL's PPO offers k1 (default) and k3 with the same formulas;
 * its GRPO uses k3. Differentiable in both arguments.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { tidy } from '@llmforge/tensor-gpu';
import { LossInputError } from '../errors.js';
import { sameShape } from './check.js';

/** The estimator: see the table above. */
export type KlEstimator = 'k1' | 'k2' | 'k3';

/**
 * The per-token KL estimate, the shape of the inputs.
 *
 * @example
 * ```ts
 * const kl = klEstimate(policyLogProbs, refLogProbs, 'k3'); // (B, T)
 * const perSequence = maskedSum(kl, responseMask, 1);       // (B)
 * ```
 */
export function klEstimate(logProbs: Tensor, refLogProbs: Tensor, estimator: KlEstimator = 'k1'): Tensor {
  sameShape('klEstimate', { logProbs, refLogProbs });
  return tidy(() => {
    const logR = refLogProbs.sub(logProbs);
    switch (estimator) {
      case 'k1':
        return logR.neg();
      case 'k2':
        return logR.square().mul(0.5);
      case 'k3':
        return logR.exp().sub(1).sub(logR);
      default:
        throw new LossInputError({
          operation: 'klEstimate',
          where: 'estimator',
          expected: "'k1', 'k2' or 'k3'",
          found: JSON.stringify(estimator),
        });
    }
  });
}
