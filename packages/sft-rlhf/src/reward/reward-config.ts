/**
 * The configuration of `trainRewardModel`: what a user writes, the defaults (each with its reason),
 * and the checks that run before anything is written.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { checkInt, checkNumber, withDefaults } from '../common/check-config.js';
import type { ModelSource } from '../common/policy.js';
import { checkReplayOptions, REPLAY_DEFAULTS, type ReplayOptions } from '../common/replay.js';
import type { RunOptions } from '../common/run.js';
import type { PreferencePair, Task } from '../tasks/task.js';

/** The defaults (TRL's `RewardConfig` where it has one). */
export const REWARD_DEFAULTS = {
  /** Preference pairs per task (one per incorrect answer, at most this many). */
  pairsPerTask: 2,
  /** Passes over the pairs when `steps` is not set (TRL: 1 epoch, on far more data). */
  epochs: 2,
  /** Pairs per step (each pair is two rows). */
  batchSize: 16,
  /** Higher than TRL's 1e-5 (billion-parameter models): a ~1M-parameter trunk with a new head. */
  lr: 3e-4,
  warmupFraction: 0.05,
  weightDecay: 0,
  betas: [0.9, 0.95] as [number, number],
  clipGradNorm: 1,
  /**
   * Reward centering c·mean((r_c + r_r)²) (TRL `center_rewards_coefficient`; 0.01 as the paper
   * it cites): keeps rewards near 0, so that PPO's reward scale means something.
   */
  centerCoefficient: 0.01,
  /** A margin asked of every pair, −log σ(r_c − r_r − m) (Llama 2); 0 is plain Bradley–Terry. */
  margin: 0,
  evalEvery: 0,
  checkpointEvery: 0,
  keepLast: 1,
  seed: 0,
  /** Replay of documents beside the loss (used only with `documents`; common/replay.ts). */
  ...REPLAY_DEFAULTS,
};

/** What a user passes to `trainRewardModel`. */
export interface RewardConfig extends RunOptions, ReplayOptions, Partial<typeof REWARD_DEFAULTS> {
  outDir: string;
  /** The trunk to start from: usually the SFT checkpoint (InstructGPT, TRL). */
  model: ModelSource;
  /** Tasks whose (reference, incorrect answer) pairs train the model (`taskPreferencePairs`). */
  tasks?: readonly Task[];
  /** And/or pairs of your own. */
  pairs?: readonly PreferencePair[];
  /** Held-out tasks (or pairs) for the pair accuracy and the mean margin. */
  heldout?: readonly Task[];
  heldoutPairs?: readonly PreferencePair[];
  /** A system message before every task prompt. */
  system?: string;
  /** Optimizer steps (default: `epochs` passes). */
  steps?: number;
  minLr?: number;
  warmupSteps?: number;
  backend?: Backend;
}

/** The config with its defaults. */
export type ResolvedRewardConfig = RewardConfig & typeof REWARD_DEFAULTS;

/**
 * Fills the defaults and checks every field; throws `PostTrainingConfigError` naming the field.
 *
 * @example
 * ```ts
 * resolveRewardConfig({ outDir: 'runs/rm', model: sft.checkpointDir, tasks }).centerCoefficient; // 0.01
 * ```
 */
export function resolveRewardConfig(config: RewardConfig): ResolvedRewardConfig {
  const op = 'trainRewardModel';
  const c = withDefaults(op, config, REWARD_DEFAULTS, [
    'documents',
    'outDir',
    'model',
    'tasks',
    'pairs',
    'heldout',
    'heldoutPairs',
    'system',
    'steps',
    'minLr',
    'warmupSteps',
  ]);
  checkInt(op, 'pairsPerTask', c.pairsPerTask, 1);
  checkNumber(op, 'epochs', c.epochs, 0, Number.POSITIVE_INFINITY, true);
  if (c.steps !== undefined) checkInt(op, 'steps', c.steps, 1);
  checkInt(op, 'batchSize', c.batchSize, 1);
  checkNumber(op, 'lr', c.lr, 0, 1, true);
  if (c.minLr !== undefined) checkNumber(op, 'minLr', c.minLr, 0, c.lr);
  if (c.warmupSteps !== undefined) checkInt(op, 'warmupSteps', c.warmupSteps, 0);
  checkNumber(op, 'warmupFraction', c.warmupFraction, 0, 1);
  checkNumber(op, 'weightDecay', c.weightDecay, 0);
  checkNumber(op, 'clipGradNorm', c.clipGradNorm, 0);
  checkNumber(op, 'centerCoefficient', c.centerCoefficient, 0);
  checkNumber(op, 'margin', c.margin, 0);
  checkInt(op, 'evalEvery', c.evalEvery, 0);
  checkInt(op, 'checkpointEvery', c.checkpointEvery, 0);
  checkInt(op, 'keepLast', c.keepLast, 1);
  checkInt(op, 'seed', c.seed, 0);
  checkReplayOptions(op, c);
  return c;
}
