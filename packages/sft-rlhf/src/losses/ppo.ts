/**
 * PPO's pieces for language models, following TRL's PPO (`trl.experimental.ppo`):
 *
 * ```
 * rewards_t  = −klCoef·kl_t  (+ the score at the score position)          tokenRewards
 * ratio_t    = exp(logπ_t − logπ_old,t)
 * policy     = maskedMean(max(−A_t·ratio_t, −A_t·clip(ratio_t, 1 − ε, 1 + ε)))  ppoPolicyLoss
 * value      = ½·maskedMean(max((V_t − R_t)², (clip(V_t, V_old ± ε_v) − R_t)²))  ppoValueLoss
 * loss       = policy + vfCoef·value                                      ppoLoss
 * ```
 *
 * Worked example (ε = 0.2): A = 1, ratio 1.5 → max(−1.5, −1.2) = −1.2 (clipped: no gain for pushing
 * further); A = −1, ratio 1.5 → max(1.5, 1.2) = 1.5 (a bad action made likelier is always penalised).
 *
 * Defaults are TRL's ({@link PPO_DEFAULTS}). Where we differ:
 * - The means are over the given mask with 0 for an empty one (TRL: NaN).
 * - `approxKl` is the masked mean of ½(logπ − logπ_old)² (TRL means over every position, padding
 *   included, where its filled-in log-probs make the term 0 — the same numerator, a larger count).
 * - The value clip is written V_old + clip(V − V_old, −ε, ε), which equals TRL's
 *   clamp(V, V_old − ε, V_old + ε) in value and gradient (except exactly at a bound, where ours
 *   passes half the gradient).
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { noGrad, tensor, tidy } from '@llmforge/tensor-gpu';
import { LossInputError } from '../errors.js';
import { hasRank, inRange, sameShape } from './check.js';
import type { KlEstimator } from './kl.js';
import { maskedMean } from './masked.js';

/** TRL's PPO defaults (the conventions issue #13 starts from). */
export const PPO_DEFAULTS = {
  /** Ratio clip ε (TRL `cliprange`). */
  clipRange: 0.2,
  /** Value clip ε_v (TRL `cliprange_value`). */
  clipRangeValue: 0.2,
  /** Weight of the value loss (TRL `vf_coef`). */
  vfCoef: 0.1,
  /** Weight of the per-token KL penalty in the rewards (TRL `kl_coef`). */
  klCoef: 0.05,
  /** KL estimator of the penalty (TRL `kl_estimator`). */
  klEstimator: 'k1' as KlEstimator,
  /** GAE discount and λ (TRL `gamma`, `lam`). */
  gamma: 1,
  lambda: 0.95,
  /** Optimisation epochs over each rollout (TRL `num_ppo_epochs`). */
  epochs: 4,
};

/** Inputs of {@link ppoPolicyLoss}: (B, T) tensors. */
export interface PpoPolicyInput {
  /** log π(a_t) under the policy being trained (differentiable). */
  logProbs: Tensor;
  /** log π_old(a_t) from the rollout (constants). */
  oldLogProbs: Tensor;
  /** Advantages (constants, usually whitened). */
  advantages: Tensor;
  /** 1 on response tokens the policy generated, 0 elsewhere. */
  mask: Tensor;
  /** Ratio clip ε (default 0.2). */
  clipRange?: number;
}

/** The policy loss and what PPO logs about it (scalars; only `loss` carries gradients). */
export interface PpoPolicyOutput {
  loss: Tensor;
  /** Fraction of tokens where the clipped term was the larger (TRL `policy/clipfrac`). */
  clipFraction: Tensor;
  /** ½·mean (logπ − logπ_old)² (TRL `policy/approxkl`). */
  approxKl: Tensor;
  /** Mean ratio over the mask. */
  ratioMean: Tensor;
}

/**
 * The clipped surrogate policy loss.
 *
 * @example
 * ```ts
 * const { loss, clipFraction } = ppoPolicyLoss({ logProbs, oldLogProbs, advantages, mask });
 * loss.backward();
 * ```
 */
export function ppoPolicyLoss(input: PpoPolicyInput): PpoPolicyOutput {
  const { logProbs, oldLogProbs, advantages, mask } = input;
  const eps = input.clipRange ?? PPO_DEFAULTS.clipRange;
  inRange('ppoPolicyLoss', 'clipRange', eps, 0, true);
  sameShape('ppoPolicyLoss', { logProbs, oldLogProbs, advantages, mask });
  return tidy(() => {
    const diff = logProbs.sub(oldLogProbs);
    const ratio = diff.exp();
    const unclipped = advantages.neg().mul(ratio);
    const clipped = advantages.neg().mul(ratio.clamp(1 - eps, 1 + eps));
    const loss = maskedMean(unclipped.maximum(clipped), mask);
    const stats = noGrad(() => ({
      clipFraction: maskedMean(clipped.gt(unclipped), mask),
      approxKl: maskedMean(diff.square(), mask).mul(0.5),
      ratioMean: maskedMean(ratio, mask),
    }));
    return { loss, ...stats };
  });
}

/** Inputs of {@link ppoValueLoss}: (B, T) tensors. */
export interface PpoValueInput {
  /** V(s_t) of the value head being trained (differentiable). */
  values: Tensor;
  /** V_old(s_t) from the rollout (constants). */
  oldValues: Tensor;
  /** Value targets (GAE returns; constants). */
  returns: Tensor;
  /** 1 where a value is trained. */
  mask: Tensor;
  /** Value clip ε_v (default 0.2). */
  clipRange?: number;
}

/**
 * The clipped value loss, ½·mean of the larger squared error.
 *
 * @example
 * ```ts
 * const { loss } = ppoValueLoss({ values, oldValues, returns, mask });
 * ```
 */
export function ppoValueLoss(input: PpoValueInput): { loss: Tensor; clipFraction: Tensor } {
  const { values, oldValues, returns, mask } = input;
  const eps = input.clipRange ?? PPO_DEFAULTS.clipRangeValue;
  inRange('ppoValueLoss', 'clipRange', eps, 0, true);
  sameShape('ppoValueLoss', { values, oldValues, returns, mask });
  return tidy(() => {
    const clippedValues = oldValues.add(values.sub(oldValues).clamp(-eps, eps));
    const unclipped = values.sub(returns).square();
    const clipped = clippedValues.sub(returns).square();
    const loss = maskedMean(unclipped.maximum(clipped), mask).mul(0.5);
    const clipFraction = noGrad(() => maskedMean(clipped.gt(unclipped), mask));
    return { loss, clipFraction };
  });
}

/** Inputs of {@link ppoLoss}: the policy's and the value head's, and the value weight. */
export interface PpoLossInput extends PpoPolicyInput {
  values: Tensor;
  oldValues: Tensor;
  returns: Tensor;
  /** Mask of the value loss (default: the policy mask). TRL's extends one position past the response. */
  valueMask?: Tensor;
  /** Value clip ε_v (default 0.2). */
  clipRangeValue?: number;
  /** Weight of the value loss (default 0.1). */
  vfCoef?: number;
}

/**
 * policy + vfCoef·value, with both parts and the statistics.
 *
 * @example
 * ```ts
 * const out = ppoLoss({ logProbs, oldLogProbs, advantages, mask, values, oldValues, returns });
 * out.loss.backward();
 * ```
 */
export function ppoLoss(input: PpoLossInput): PpoPolicyOutput & {
  policyLoss: Tensor;
  valueLoss: Tensor;
  valueClipFraction: Tensor;
} {
  const vfCoef = input.vfCoef ?? PPO_DEFAULTS.vfCoef;
  inRange('ppoLoss', 'vfCoef', vfCoef, 0);
  return tidy(() => {
    const policy = ppoPolicyLoss(input);
    const value = ppoValueLoss({
      values: input.values,
      oldValues: input.oldValues,
      returns: input.returns,
      mask: input.valueMask ?? input.mask,
      clipRange: input.clipRangeValue ?? PPO_DEFAULTS.clipRangeValue,
    });
    return {
      ...policy,
      loss: policy.loss.add(value.loss.mul(vfCoef)),
      policyLoss: policy.loss,
      valueLoss: value.loss,
      valueClipFraction: value.clipFraction,
    };
  });
}

/**
 * Per-token rewards: −klCoef·kl everywhere, plus each row's score at its score position (TRL: the
 * token after the last response token, or the last one when the response fills the budget).
 *
 * @example
 * ```ts
 * const kl = klEstimate(logProbs, refLogProbs, 'k1');                 // (B, T)
 * const rewards = tokenRewards(kl, scores, [5, 7], { klCoef: 0.05 }); // score of row 0 at t = 5, row 1 at t = 7
 * ```
 */
export function tokenRewards(
  kl: Tensor,
  scores: Tensor | readonly number[],
  scorePositions: readonly number[],
  options: { klCoef?: number } = {},
): Tensor {
  hasRank('tokenRewards', 'kl', kl, 2, 'per-token KL (B, T)');
  const [B, T] = kl.shape as [number, number];
  const klCoef = options.klCoef ?? PPO_DEFAULTS.klCoef;
  inRange('tokenRewards', 'klCoef', klCoef, 0);
  const nScores = Array.isArray(scores) ? scores.length : (scores as Tensor).size;
  if (
    nScores !== B ||
    scorePositions.length !== B ||
    scorePositions.some((p) => !Number.isInteger(p) || p < 0 || p >= T)
  ) {
    throw new LossInputError({
      operation: 'tokenRewards',
      where: 'scores, scorePositions',
      expected: `${B} scores and ${B} positions in [0, ${T})`,
      found: `${nScores} scores, positions [${scorePositions.join(', ')}]`,
    });
  }
  return tidy(() => {
    const oneHot = new Float64Array(B * T);
    scorePositions.forEach((p, b) => {
      oneHot[b * T + p] = 1;
    });
    const dtype = kl.dtype === 'f64' ? 'f64' : 'f32';
    const at = tensor(oneHot, [B, T], dtype, kl.backend);
    const s = Array.isArray(scores)
      ? tensor(Float64Array.from(scores as readonly number[]), [B, 1], dtype, kl.backend)
      : (scores as Tensor).reshape([B, 1]);
    return kl.mul(-klCoef).add(at.mul(s));
  });
}
