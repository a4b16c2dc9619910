/**
 * The reward model's loss: Bradley–Terry on (chosen, rejected) pairs, as TRL's `RewardTrainer`:
 *
 * ```
 * loss = mean(−log σ(r_chosen − r_rejected − margin)) + c·mean((r_chosen + r_rejected)²)
 * ```
 *
 * The margin (per pair, optional) asks for a gap of at least that much (Llama 2's reward models);
 * the centering term (coefficient c, optional; TRL `center_rewards_coefficient`, 0.01 in the paper
 * it cites) keeps rewards near 0 so that their scale means something to PPO.
 *
 * Worked example: r_chosen 2, r_rejected 0 → −log σ(2) = 0.127; with margin 1 → −log σ(1) = 0.313;
 * with c = 0.01 add 0.01·(2 + 0)² = 0.04.
 *
 * Same formula as TRL. Also returned: pairwise accuracy (r_chosen > r_rejected) and the mean margin
 * r_chosen − r_rejected, the two figures the reward model's evaluation logs.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { noGrad, tensor, tidy } from '@llmforge/tensor-gpu';
import { hasRank, inRange, sameShape } from './check.js';
import { logSigmoid } from './log-sigmoid.js';

/** Inputs of {@link bradleyTerryLoss}. */
export interface BradleyTerryInput {
  /** Rewards of the preferred responses (B), differentiable. */
  chosen: Tensor;
  /** Rewards of the other responses (B), differentiable. */
  rejected: Tensor;
  /** Per-pair margins (B), optional. */
  margin?: Tensor | readonly number[];
  /** Weight c of the centering term (default 0: off). */
  centerCoefficient?: number;
}

/**
 * Bradley–Terry loss with its accuracy and mean margin (scalars; only `loss` has gradients).
 *
 * @example
 * ```ts
 * const { hidden } = model.forward(ids, { returnHidden: true, logits: 'none' });
 * const rewards = head.scoreAt(hidden!, lastTokenPositions);   // chosen rows then rejected rows
 * const [chosen, rejected] = rewards.split(2, 0);
 * const { loss, accuracy } = bradleyTerryLoss({ chosen, rejected, centerCoefficient: 0.01 });
 * ```
 */
export function bradleyTerryLoss(input: BradleyTerryInput): {
  loss: Tensor;
  accuracy: Tensor;
  meanMargin: Tensor;
} {
  const { chosen, rejected } = input;
  hasRank('bradleyTerryLoss', 'chosen', chosen, 1, 'one reward per pair (B)');
  sameShape('bradleyTerryLoss', { chosen, rejected });
  const c = input.centerCoefficient ?? 0;
  inRange('bradleyTerryLoss', 'centerCoefficient', c, 0);
  return tidy(() => {
    let diff = chosen.sub(rejected);
    if (input.margin !== undefined) {
      const m = Array.isArray(input.margin)
        ? tensor(
            Float64Array.from(input.margin as readonly number[]),
            [chosen.size],
            chosen.dtype,
            chosen.backend,
          )
        : (input.margin as Tensor);
      sameShape('bradleyTerryLoss', { chosen, margin: m });
      diff = diff.sub(m);
    }
    let loss = logSigmoid(diff).mean().neg();
    if (c > 0) loss = loss.add(chosen.add(rejected).square().mean().mul(c));
    const stats = noGrad(() => {
      const gap = chosen.sub(rejected);
      return { accuracy: gap.gt(0).mean(), meanMargin: gap.mean() };
    });
    return { loss, ...stats };
  });
}
