/**
 * Generalized advantage estimation (Schulman et al. 2016): per response token t,
 *
 * ```
 * δ_t = r_t + γ·V_next − V_t                    (V_next = 0 after the last position: terminal)
 * A_t = δ_t + γλ·A_next = Σ_l (γλ)^l δ_{t+l}    returns R_t = A_t + V_t (the value targets)
 * ```
 *
 * Worked example, γ = 1, λ = 1 (A_t = the rest of the rewards − V_t): rewards [0, 0, 1], values
 * [0.5, 0.5, 0.5] → returns [1, 1, 1], advantages [0.5, 0.5, 0.5].
 *
 * The mask says which positions take part. Positions masked out are skipped, not terminal: the step
 * before a hole bootstraps from the first position after it, with one γ — so tokens a tool loop
 * spliced into a response (not the policy's actions) are stepped over, and trailing padding ends
 * the episode. Masked positions get advantage 0 and return 0, and their rewards are ignored.
 *
 * TRL (`trl.experimental.ppo`) runs the same recursion over every position and relies on values and
 * rewards being 0 on padding, with its mask extended one position past the response, where it puts
 * the score: pass that extended mask here to reproduce it exactly. It has no holes to skip. The
 * recursion runs on the host in float64 (a backward scan of T steps; reading B·T numbers back is
 * cheap next to the forward passes that made them).
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { tensor } from '@llmforge/tensor-gpu';
import { LossInputError } from '../errors.js';
import { hasRank, inRange, sameShape } from './check.js';

/** Options of {@link gae}. */
export interface GaeOptions {
  /** Discount γ (default 1, as TRL's PPO: a response is a short episode). */
  gamma?: number;
  /** GAE λ (default 0.95, as TRL). */
  lambda?: number;
}

/** Advantages and returns, (B, T) row-major. */
export interface GaeArrays {
  advantages: Float64Array;
  returns: Float64Array;
}

/**
 * GAE on host arrays of B rows of T positions (row-major).
 *
 * @example
 * ```ts
 * const { advantages, returns } = gaeArrays([0, 0, 1], [0.5, 0.5, 0.5], [1, 1, 1], 1, 3, { gamma: 1, lambda: 1 });
 * // advantages [0.5, 0.5, 0.5], returns [1, 1, 1]
 * ```
 */
export function gaeArrays(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  mask: ArrayLike<number>,
  B: number,
  T: number,
  options: GaeOptions = {},
): GaeArrays {
  const gamma = options.gamma ?? 1;
  const lambda = options.lambda ?? 0.95;
  inRange('gae', 'gamma', gamma, 0);
  inRange('gae', 'lambda', lambda, 0);
  if (gamma > 1 || lambda > 1) {
    throw new LossInputError({
      operation: 'gae',
      where: 'options',
      expected: 'gamma and lambda in [0, 1]',
      found: `gamma ${gamma}, lambda ${lambda}`,
    });
  }
  for (const [name, a] of [
    ['rewards', rewards],
    ['values', values],
    ['mask', mask],
  ] as const) {
    if (a.length !== B * T) {
      throw new LossInputError({
        operation: 'gae',
        where: name,
        expected: `${B}·${T} = ${B * T} numbers`,
        found: String(a.length),
      });
    }
  }
  const advantages = new Float64Array(B * T);
  const returns = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    let nextValue = 0;
    let nextAdvantage = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = b * T + t;
      if (mask[i] === 0) continue;
      const v = values[i]!;
      const delta = rewards[i]! + gamma * nextValue - v;
      nextAdvantage = delta + gamma * lambda * nextAdvantage;
      advantages[i] = nextAdvantage;
      returns[i] = nextAdvantage + v;
      nextValue = v;
    }
  }
  return { advantages, returns };
}

/**
 * GAE on (B, T) tensors; returns tensors of the values' dtype on their backend. Not differentiable
 * (advantages and returns are targets, computed once per rollout).
 *
 * @example
 * ```ts
 * const { advantages, returns } = await gae(rewards, values, responseMask, { gamma: 1, lambda: 0.95 });
 * const whitened = maskedWhiten(advantages, responseMask);
 * ```
 */
export async function gae(
  rewards: Tensor,
  values: Tensor,
  mask: Tensor,
  options: GaeOptions = {},
): Promise<{ advantages: Tensor; returns: Tensor }> {
  hasRank('gae', 'values', values, 2, 'values (B, T)');
  sameShape('gae', { values, rewards, mask });
  const [B, T] = values.shape as [number, number];
  const [r, v, m] = await Promise.all([rewards.data(), values.data(), mask.data()]);
  const out = gaeArrays(r, v, m, B, T, options);
  const dtype = values.dtype === 'f64' ? 'f64' : 'f32';
  return {
    advantages: tensor(out.advantages, [B, T], dtype, values.backend),
    returns: tensor(out.returns, [B, T], dtype, values.backend),
  };
}
