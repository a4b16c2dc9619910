/**
 * The configuration of `trainDpo`: what a user writes, the defaults (TRL's `DPOConfig` where it
 * has one, each difference with its reason), and the checks that run before anything is written.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { checkInt, checkNumber, withDefaults } from '../common/check-config.js';
import type { ModelSource } from '../common/policy.js';
import { checkReplayOptions, REPLAY_DEFAULTS, type ReplayOptions } from '../common/replay.js';
import type { RunOptions } from '../common/run.js';
import type { RewardModel } from '../reward/reward-model.js';
import type { PreferencePair, Task } from '../tasks/task.js';

/** The defaults. */
export const DPO_DEFAULTS = {
  /** Preference pairs per task (one per incorrect answer, at most this many). */
  pairsPerTask: 2,
  /** Passes over the pairs when `steps` is not set (TRL: 1 epoch, on far more data). */
  epochs: 2,
  /** Pairs per step. */
  batchSize: 16,
  /** TRL's 1e-6 is for billion-parameter models; a ~1M-parameter policy needs ~5e-5. */
  lr: 5e-5,
  /** TRL `beta` 0.1: how strongly the policy is held near the reference. */
  beta: 0.1,
  /** Conservative DPO's label smoothing (TRL `label_smoothing` 0). */
  labelSmoothing: 0,
  /**
   * RPO's weight of the chosen answers' per-token NLL (TRL `rpo_alpha`, default None = 0). Plain
   * DPO lowered the demo's SFT model's success (48.1 % → 41.7 % at lr 1e-5: both sides of every
   * pair lost probability); the recipe sets 1, as the RPO paper.
   */
  rpoAlpha: 0,
  warmupFraction: 0.1,
  minLrFraction: 0.1,
  weightDecay: 0,
  betas: [0.9, 0.95] as [number, number],
  clipGradNorm: 1,
  /** Evaluate (greedy success, sampled KL and reward) every N steps; 0: before and after only. */
  evalEvery: 0,
  evalSamples: 1,
  evalMaxNewTokens: 32,
  checkpointEvery: 0,
  keepLast: 1,
  seed: 0,
  /** Replay of documents beside the loss (used only with `documents`; common/replay.ts). */
  ...REPLAY_DEFAULTS,
};

/** What a user passes to `trainDpo`. */
export interface DpoConfig extends RunOptions, ReplayOptions, Partial<typeof DPO_DEFAULTS> {
  outDir: string;
  /** The starting policy, also the frozen reference: the SFT checkpoint (or a loaded model, copied). */
  policy: ModelSource;
  /** Tasks whose (reference ≻ incorrect) pairs train the policy (`taskPreferencePairs`). */
  tasks?: readonly Task[];
  /** And/or pairs of your own. */
  pairs?: readonly PreferencePair[];
  heldout: readonly Task[];
  /** Optional: a reward model that scores sampled held-out answers for the results table. */
  rewardModel?: string | RewardModel;
  system?: string;
  /** Optimizer steps (default: `epochs` passes). */
  steps?: number;
  backend?: Backend;
}

/** The config with its defaults. */
export type ResolvedDpoConfig = DpoConfig & typeof DPO_DEFAULTS;

/**
 * Fills the defaults and checks every field; throws `PostTrainingConfigError` naming the field.
 *
 * @example
 * ```ts
 * resolveDpoConfig({ outDir, policy, tasks, heldout }).beta; // 0.1
 * ```
 */
export function resolveDpoConfig(config: DpoConfig): ResolvedDpoConfig {
  const op = 'trainDpo';
  const c = withDefaults(op, config, DPO_DEFAULTS, [
    'documents',
    'outDir',
    'policy',
    'tasks',
    'pairs',
    'heldout',
    'rewardModel',
    'system',
    'steps',
  ]);
  checkInt(op, 'pairsPerTask', c.pairsPerTask, 1);
  checkNumber(op, 'epochs', c.epochs, 0, Number.POSITIVE_INFINITY, true);
  if (c.steps !== undefined) checkInt(op, 'steps', c.steps, 1);
  checkInt(op, 'batchSize', c.batchSize, 1);
  checkNumber(op, 'lr', c.lr, 0, 1, true);
  checkNumber(op, 'beta', c.beta, 0, Number.POSITIVE_INFINITY, true);
  checkNumber(op, 'labelSmoothing', c.labelSmoothing, 0, 0.49);
  checkNumber(op, 'rpoAlpha', c.rpoAlpha, 0, Number.POSITIVE_INFINITY);
  checkNumber(op, 'warmupFraction', c.warmupFraction, 0, 1);
  checkNumber(op, 'minLrFraction', c.minLrFraction, 0, 1);
  checkNumber(op, 'weightDecay', c.weightDecay, 0);
  checkNumber(op, 'clipGradNorm', c.clipGradNorm, 0);
  checkInt(op, 'evalEvery', c.evalEvery, 0);
  checkInt(op, 'evalSamples', c.evalSamples, 0);
  checkInt(op, 'evalMaxNewTokens', c.evalMaxNewTokens, 1);
  checkInt(op, 'checkpointEvery', c.checkpointEvery, 0);
  checkInt(op, 'keepLast', c.keepLast, 1);
  checkInt(op, 'seed', c.seed, 0);
  checkReplayOptions(op, c);
  return c;
}
