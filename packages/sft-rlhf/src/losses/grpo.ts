/**
 * GRPO (Shao et al. 2024, DeepSeekMath): no critic; several responses per prompt, each scored (here
 * by a task's checker), and each response's advantage is its reward standardised within its group:
 *
 * ```
 * A_i = (r_i − mean(r_group)) / (std(r_group) + 1e-4)      rewards [1, 0, 0, 1] → A ≈ [0.866, −0.866, −0.866, 0.866]
 * ```
 *
 * (std unbiased, as `torch.std` and TRL). Every token of a response gets its advantage, and the loss
 * is PPO's clipped ratio, optionally with a k3 KL penalty to a reference (β; TRL's default β is 0).
 *
 * Follows TRL's `GRPOTrainer` (`scale_rewards` 'group' | 'batch' | 'none', `epsilon` 0.2,
 * `epsilon_high`, `loss_type` 'grpo' = per-sequence token means averaged, 'bnpo' = one mean over
 * every token). Where we differ: a group of one response (or an all-equal group) gets advantage 0
 * directly (TRL: NaN std, then `nan_to_num`), and the ratio-clip statistics are one fraction.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { noGrad, tidy } from '@llmforge/tensor-gpu';
import { LossInputError } from '../errors.js';
import { hasRank, inRange, sameShape } from './check.js';
import { klEstimate } from './kl.js';
import { maskedMean } from './masked.js';

/** Options of {@link groupAdvantages}. */
export interface GroupAdvantageOptions {
  /** Divide by the std of the `group` (default), of the whole `batch`, or not at all (`none`: Dr. GRPO). */
  scale?: 'group' | 'batch' | 'none';
  /** Added to the std (default 1e-4, as TRL). */
  eps?: number;
}

/** Unbiased std along `axis` (or all), 0 for a single element. */
function unbiasedStd(x: Tensor, axis?: number): Tensor {
  const n = axis === undefined ? x.size : x.shape[axis]!;
  const centered = x.sub(x.mean(axis, { keepDims: axis !== undefined }));
  return centered
    .square()
    .sum(axis, { keepDims: axis !== undefined })
    .div(Math.max(n - 1, 1))
    .sqrt();
}

/**
 * Group-normalised advantages: rewards (N·G) in groups of G consecutive responses → (N·G).
 *
 * @example
 * ```ts
 * groupAdvantages(tensor([1, 0, 0, 1, 1, 1]), 3).dataSync();
 * // group [1, 0, 0]: mean 1/3, std 0.577 → [1.155, -0.577, -0.577]; group [1, 1, 1] → [0, 0, 0]
 * ```
 */
export function groupAdvantages(
  rewards: Tensor,
  groupSize: number,
  options: GroupAdvantageOptions = {},
): Tensor {
  hasRank('groupAdvantages', 'rewards', rewards, 1, 'one reward per response (N·G)');
  if (!(Number.isInteger(groupSize) && groupSize >= 1 && rewards.size % groupSize === 0)) {
    throw new LossInputError({
      operation: 'groupAdvantages',
      where: 'groupSize',
      expected: `a positive integer dividing the ${rewards.size} rewards`,
      found: String(groupSize),
      hint: 'rewards are grouped as numReturnSequences consecutive samples per prompt',
    });
  }
  const eps = options.eps ?? 1e-4;
  inRange('groupAdvantages', 'eps', eps, 0);
  const scale = options.scale ?? 'group';
  if (scale !== 'group' && scale !== 'batch' && scale !== 'none') {
    throw new LossInputError({
      operation: 'groupAdvantages',
      where: 'option scale',
      expected: "'group', 'batch' or 'none'",
      found: String(scale),
    });
  }
  const N = rewards.size / groupSize;
  return tidy(() => {
    const grouped = rewards.reshape([N, groupSize]);
    const centered = grouped.sub(grouped.mean(1, { keepDims: true }));
    if (scale === 'none') return centered.reshape([N * groupSize]);
    const std = scale === 'group' ? unbiasedStd(grouped, 1) : unbiasedStd(rewards);
    return centered.div(std.add(eps)).reshape([N * groupSize]);
  });
}

/** Inputs of {@link grpoLoss}. */
export interface GrpoLossInput {
  /** log π per token (B, T), differentiable. */
  logProbs: Tensor;
  /** log π_old per token (B, T), constants (the sampling policy). */
  oldLogProbs: Tensor;
  /** One advantage per response (B) from {@link groupAdvantages}. */
  advantages: Tensor;
  /** 1 on generated response tokens (B, T). */
  mask: Tensor;
  /** Lower ratio clip ε (default 0.2). */
  clipRange?: number;
  /** Upper ratio clip (default `clipRange`; DAPO uses 0.28). */
  clipRangeHigh?: number;
  /** Weight of the k3 KL penalty to the reference (default 0: no reference needed). */
  beta?: number;
  /** log π_ref per token (B, T), needed when beta > 0. */
  refLogProbs?: Tensor;
  /** `sequence` (TRL 'grpo': mean per response, then over responses; default) or `token` (TRL 'bnpo'). */
  normalize?: 'sequence' | 'token';
}

/**
 * GRPO's clipped policy loss (+ β·KL), with the clip fraction and the mean KL.
 *
 * @example
 * ```ts
 * const advantages = groupAdvantages(rewards, 8);
 * const { loss } = grpoLoss({ logProbs, oldLogProbs, advantages, mask });
 * loss.backward();
 * ```
 */
export function grpoLoss(input: GrpoLossInput): {
  loss: Tensor;
  clipFraction: Tensor;
  kl: Tensor | undefined;
} {
  const { logProbs, oldLogProbs, advantages, mask } = input;
  hasRank('grpoLoss', 'logProbs', logProbs, 2, 'per-token log-probs (B, T)');
  sameShape('grpoLoss', { logProbs, oldLogProbs, mask, refLogProbs: input.refLogProbs });
  hasRank('grpoLoss', 'advantages', advantages, 1, 'one advantage per response (B)');
  const [B] = logProbs.shape as [number, number];
  if (advantages.size !== B) {
    throw new LossInputError({
      operation: 'grpoLoss',
      where: 'advantages',
      expected: `${B} advantages`,
      found: String(advantages.size),
    });
  }
  const lo = input.clipRange ?? 0.2;
  const hi = input.clipRangeHigh ?? lo;
  const beta = input.beta ?? 0;
  inRange('grpoLoss', 'clipRange', lo, 0, true);
  inRange('grpoLoss', 'clipRangeHigh', hi, 0, true);
  inRange('grpoLoss', 'beta', beta, 0);
  if (beta > 0 && input.refLogProbs === undefined) {
    throw new LossInputError({
      operation: 'grpoLoss',
      where: 'refLogProbs',
      expected: 'reference log-probs when beta > 0',
      found: 'none',
    });
  }
  return tidy(() => {
    const ratio = logProbs.sub(oldLogProbs).exp();
    const a = advantages.reshape([B, 1]);
    const unclipped = ratio.mul(a);
    const clipped = ratio.clamp(1 - lo, 1 + hi).mul(a);
    let perToken = unclipped.minimum(clipped).neg();
    let kl: Tensor | undefined;
    if (beta > 0) {
      kl = klEstimate(logProbs, input.refLogProbs!, 'k3');
      perToken = perToken.add(kl.mul(beta));
    }
    const loss =
      (input.normalize ?? 'sequence') === 'sequence'
        ? maskedMean(perToken, mask, 1).mean()
        : maskedMean(perToken, mask);
    const stats = noGrad(() => ({
      clipFraction: maskedMean(clipped.lt(unclipped), mask),
      kl: kl ? maskedMean(kl, mask) : undefined,
    }));
    return { loss, ...stats };
  });
}
