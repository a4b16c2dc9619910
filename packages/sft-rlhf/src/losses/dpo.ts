/**
 * Direct preference optimisation (Rafailov et al. 2023), the sigmoid loss, as TRL's `DPOTrainer`:
 *
 * ```
 * Δ    = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))     sequence log-probs
 * loss = mean(−(1 − s)·log σ(β·Δ) − s·log σ(−β·Δ))                          s: label smoothing
 * ```
 *
 * The implicit rewards β·(log π − log π_ref) of the chosen and rejected responses are returned
 * (TRL logs them as `rewards/chosen`, `rewards/rejected`, `rewards/accuracies`, `rewards/margins`).
 *
 * Worked example: Δ = 2, β = 0.1 → −log σ(0.2) = 0.598. With Δ = 0 (the policy is still the
 * reference) the loss is ln 2 = 0.693 whatever β.
 *
 * Same formula as TRL's `sigmoid` loss type (default β = 0.1); label smoothing is the conservative
 * DPO variant (cDPO). Sequence log-probs are sums over response tokens ({@link sequenceLogProbs}).
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { noGrad, tidy } from '@llmforge/tensor-gpu';
import { LossInputError } from '../errors.js';
import { hasRank, inRange, sameShape } from './check.js';
import { logSigmoid } from './log-sigmoid.js';
import { maskedSum } from './masked.js';

/**
 * Sequence log-probabilities: the sum of per-token log-probs over the response mask, (B, T) → (B).
 *
 * @example
 * ```ts
 * const lp = tokenLogProbs(model, ids);                  // (B, T−1), from @llmforge/transformer
 * const seq = sequenceLogProbs(lp, responseMask);        // (B)
 * ```
 */
export function sequenceLogProbs(tokenLogProbs: Tensor, mask: Tensor): Tensor {
  hasRank('sequenceLogProbs', 'tokenLogProbs', tokenLogProbs, 2, 'per-token log-probs (B, T)');
  return maskedSum(tokenLogProbs, mask, 1);
}

/** Inputs of {@link dpoLoss}: sequence log-probs (B). */
export interface DpoInput {
  /** log π(chosen), differentiable. */
  policyChosen: Tensor;
  /** log π(rejected), differentiable. */
  policyRejected: Tensor;
  /** log π_ref(chosen), constants. */
  refChosen: Tensor;
  /** log π_ref(rejected), constants. */
  refRejected: Tensor;
  /** β, the strength of the pull towards the reference (default 0.1). */
  beta?: number;
  /** Label smoothing s in [0, 0.5) (default 0). */
  labelSmoothing?: number;
  /**
   * RPO's weight α ≥ 0 of the chosen answers' negative log-likelihood per token (TRL `rpo_alpha`;
   * default 0, plain DPO). DPO only asks that chosen beat rejected, and lets both lose probability;
   * the NLL term keeps the chosen answers likely (Pang et al. 2024, "Iterative Reasoning Preference
   * Optimization"). Needs `chosenLengths`.
   */
  rpoAlpha?: number;
  /** Response tokens of each chosen answer (B), constants: the NLL's per-token mean. */
  chosenLengths?: Tensor;
}

/**
 * The DPO sigmoid loss and its implicit-reward statistics.
 *
 * @example
 * ```ts
 * const out = dpoLoss({ policyChosen, policyRejected, refChosen, refRejected, beta: 0.1 });
 * out.loss.backward();
 * ```
 */
export function dpoLoss(input: DpoInput): {
  loss: Tensor;
  chosenRewards: Tensor;
  rejectedRewards: Tensor;
  accuracy: Tensor;
  margin: Tensor;
} {
  const { policyChosen, policyRejected, refChosen, refRejected } = input;
  hasRank('dpoLoss', 'policyChosen', policyChosen, 1, 'sequence log-probs (B)');
  sameShape('dpoLoss', { policyChosen, policyRejected, refChosen, refRejected });
  const beta = input.beta ?? 0.1;
  const s = input.labelSmoothing ?? 0;
  inRange('dpoLoss', 'beta', beta, 0, true);
  inRange('dpoLoss', 'labelSmoothing', s, 0);
  if (s >= 0.5) {
    throw new LossInputError({
      operation: 'dpoLoss',
      where: 'option labelSmoothing',
      expected: 'a number in [0, 0.5)',
      found: String(s),
    });
  }
  const alpha = input.rpoAlpha ?? 0;
  inRange('dpoLoss', 'rpoAlpha', alpha, 0);
  if (alpha > 0) {
    if (input.chosenLengths === undefined) {
      throw new LossInputError({
        operation: 'dpoLoss',
        where: 'chosenLengths',
        expected: 'the response length of each chosen answer when rpoAlpha > 0',
        found: 'none',
        hint: 'pass mask.sum(1) of the chosen rows',
      });
    }
    sameShape('dpoLoss', { policyChosen, chosenLengths: input.chosenLengths });
  }
  return tidy(() => {
    const chosenLogRatio = policyChosen.sub(refChosen);
    const rejectedLogRatio = policyRejected.sub(refRejected);
    const z = chosenLogRatio.sub(rejectedLogRatio).mul(beta);
    let perPair = logSigmoid(z).neg();
    if (s > 0) perPair = perPair.mul(1 - s).sub(logSigmoid(z.neg()).mul(s));
    // RPO: + α · mean over pairs of −log π(chosen) / |chosen|
    if (alpha > 0) perPair = perPair.sub(policyChosen.div(input.chosenLengths!.maximum(1)).mul(alpha));
    const loss = perPair.mean();
    const stats = noGrad(() => {
      const chosenRewards = chosenLogRatio.mul(beta);
      const rejectedRewards = rejectedLogRatio.mul(beta);
      const gap = chosenRewards.sub(rejectedRewards);
      return { chosenRewards, rejectedRewards, accuracy: gap.gt(0).mean(), margin: gap.mean() };
    });
    return { loss, ...stats };
  });
}
