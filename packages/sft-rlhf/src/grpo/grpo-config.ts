/**
 * The configuration of `trainGrpo`: what a user writes, the defaults (TRL's `GRPOConfig` where it
 * has one, each difference with its reason), and the checks that run before anything is written.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { badConfig, checkInt, checkNumber, checkOneOf, withDefaults } from '../common/check-config.js';
import type { ModelSource } from '../common/policy.js';
import { checkReplayOptions, REPLAY_DEFAULTS, type ReplayOptions } from '../common/replay.js';
import type { RunOptions } from '../common/run.js';
import type { RewardModel } from '../reward/reward-model.js';
import type { Task } from '../tasks/task.js';

/** The defaults. */
export const GRPO_DEFAULTS = {
  /** Sample-and-update iterations. */
  steps: 40,
  /** Prompts per iteration. */
  promptsPerStep: 4,
  /** Answers per prompt, one group (TRL `num_generations` 8; DeepSeekMath 64). */
  groupSize: 8,
  /**
   * Passes over each batch (TRL `num_iterations` 1, where the ratio is always 1 and the clip never
   * acts); 2, so that the second pass is off-policy and the clipped ratio matters.
   */
  epochs: 2,
  /** Minibatches per pass. */
  miniBatches: 2,
  /** TRL's 1e-6 is for billion-parameter models; see `PPO_TRAINER_DEFAULTS.lr`. */
  lr: 1e-4,
  minLrFraction: 0.1,
  weightDecay: 0,
  betas: [0.9, 0.95] as [number, number],
  clipGradNorm: 1,
  /**
   * Weight of the k3 KL penalty to the reference (TRL `beta`: 0 since 2025; DeepSeekMath 0.04):
   * on, because results are compared at a bounded KL.
   */
  beta: 0.04,
  /** Ratio clip (TRL `epsilon` 0.2) and its upper side (TRL `epsilon_high`; DAPO 0.28). */
  clipRange: 0.2,
  clipRangeHigh: 0.2,
  /** Advantage scaling: by the group's std (TRL `scale_rewards` 'group'), the batch's, or none (Dr. GRPO). */
  scaleRewards: 'group' as 'group' | 'batch' | 'none',
  /** Token means per answer then over answers (TRL loss_type 'grpo'), or over all tokens ('bnpo' → 'token'). */
  normalize: 'sequence' as 'sequence' | 'token',
  temperature: 1,
  maxNewTokens: 32,
  evalSamples: 1,
  evalMaxNewTokens: 32,
  checkpointEvery: 0,
  keepLast: 1,
  seed: 0,
  /** Replay of documents beside the loss (used only with `documents`; common/replay.ts). */
  ...REPLAY_DEFAULTS,
};

/** What a user passes to `trainGrpo`. */
export interface GrpoConfig extends RunOptions, ReplayOptions, Partial<typeof GRPO_DEFAULTS> {
  outDir: string;
  /** The starting policy: the SFT checkpoint (or a loaded model and tokenizer, copied). */
  policy: ModelSource;
  /** Tasks to train on: each answer's reward is its checker's verdict (1 or 0). */
  tasks: readonly Task[];
  heldout: readonly Task[];
  /**
   * Optional: a reward model whose score replaces the checker's reward (`rewardFrom: 'model'`), or
   * that only scores the held-out answers for the results table (the default, `'checker'`).
   */
  rewardModel?: string | RewardModel;
  rewardFrom?: 'checker' | 'model';
  system?: string;
  backend?: Backend;
}

/** The config with its defaults. */
export type ResolvedGrpoConfig = GrpoConfig & typeof GRPO_DEFAULTS & { rewardFrom: 'checker' | 'model' };

/**
 * Fills the defaults and checks every field; throws `PostTrainingConfigError` naming the field.
 *
 * @example
 * ```ts
 * resolveGrpoConfig({ outDir, policy, tasks, heldout }).groupSize; // 8
 * ```
 */
export function resolveGrpoConfig(config: GrpoConfig): ResolvedGrpoConfig {
  const op = 'trainGrpo';
  const c = withDefaults(op, { rewardFrom: 'checker' as const, ...config }, GRPO_DEFAULTS, [
    'documents',
    'outDir',
    'policy',
    'tasks',
    'heldout',
    'rewardModel',
    'rewardFrom',
    'system',
  ]);
  checkInt(op, 'steps', c.steps, 1);
  checkInt(op, 'promptsPerStep', c.promptsPerStep, 1);
  checkInt(op, 'groupSize', c.groupSize, 2);
  checkInt(op, 'epochs', c.epochs, 1);
  checkInt(op, 'miniBatches', c.miniBatches, 1);
  if (c.miniBatches > c.promptsPerStep * c.groupSize) {
    badConfig(
      op,
      'miniBatches',
      `at most ${c.promptsPerStep * c.groupSize} (the answers of one step)`,
      c.miniBatches,
    );
  }
  checkNumber(op, 'lr', c.lr, 0, 1, true);
  checkNumber(op, 'minLrFraction', c.minLrFraction, 0, 1);
  checkNumber(op, 'weightDecay', c.weightDecay, 0);
  checkNumber(op, 'clipGradNorm', c.clipGradNorm, 0);
  checkNumber(op, 'beta', c.beta, 0);
  checkNumber(op, 'clipRange', c.clipRange, 0, 1, true);
  checkNumber(op, 'clipRangeHigh', c.clipRangeHigh, 0, Number.POSITIVE_INFINITY, true);
  checkOneOf(op, 'scaleRewards', c.scaleRewards, ['group', 'batch', 'none']);
  checkOneOf(op, 'normalize', c.normalize, ['sequence', 'token']);
  checkOneOf(op, 'rewardFrom', c.rewardFrom, ['checker', 'model']);
  if (c.rewardFrom === 'model' && c.rewardModel === undefined) {
    badConfig(op, 'rewardModel', "a reward model when rewardFrom is 'model'", 'none');
  }
  checkNumber(op, 'temperature', c.temperature, 0, Number.POSITIVE_INFINITY, true);
  checkInt(op, 'maxNewTokens', c.maxNewTokens, 1);
  checkInt(op, 'evalSamples', c.evalSamples, 0);
  checkInt(op, 'evalMaxNewTokens', c.evalMaxNewTokens, 1);
  checkInt(op, 'checkpointEvery', c.checkpointEvery, 0);
  checkInt(op, 'keepLast', c.keepLast, 1);
  checkInt(op, 'seed', c.seed, 0);
  checkReplayOptions(op, c);
  return c;
}
