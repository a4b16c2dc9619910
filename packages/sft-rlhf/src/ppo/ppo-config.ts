/**
 * The configuration of `trainPpo`: what a user writes, the defaults (TRL's `PPOConfig` where it
 * has one, each difference with its reason), and the checks that run before anything is written.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { badConfig, checkInt, checkNumber, checkOneOf, withDefaults } from '../common/check-config.js';
import type { ModelSource } from '../common/policy.js';
import { checkReplayOptions, REPLAY_DEFAULTS, type ReplayOptions } from '../common/replay.js';
import type { RunOptions } from '../common/run.js';
import type { KlEstimator } from '../losses/kl.js';
import { PPO_DEFAULTS as TRL } from '../losses/ppo.js';
import type { RewardModel } from '../reward/reward-model.js';
import type { Task } from '../tasks/task.js';

/** The defaults. */
export const PPO_TRAINER_DEFAULTS = {
  /** Rollout-and-update iterations. */
  steps: 40,
  /** Prompts per iteration. */
  promptsPerStep: 8,
  /** Samples per prompt, drawn from one prefill (TRL: 1; more samples cost little more to generate). */
  samplesPerPrompt: 2,
  /** Optimisation passes over each rollout batch (TRL `num_ppo_epochs` 4). */
  epochs: TRL.epochs,
  /** Minibatches per pass (TRL `num_mini_batches` 1; 2 gives 8 updates per rollout). */
  miniBatches: 2,
  /**
   * Learning rate. TRL's 3e-6 is for billion-parameter models; a ~1M-parameter policy moves
   * usefully in a few dozen iterations at 1e-4.
   */
  lr: 1e-4,
  /** Cosine decay to this fraction of lr over the run (TRL: linear to 0). */
  minLrFraction: 0.1,
  weightDecay: 0,
  betas: [0.9, 0.95] as [number, number],
  /** TRL `max_grad_norm`. */
  clipGradNorm: 1,
  /** Per-token KL penalty weight (TRL `kl_coef` 0.05) and estimator (TRL `kl_estimator` 'k1'). */
  klCoef: TRL.klCoef,
  klEstimator: TRL.klEstimator as KlEstimator,
  /** Whiten advantages over the response tokens (TRL: always). */
  whitenAdvantages: true,
  /** Ratio clip ε, value clip ε_v, value-loss weight (TRL `cliprange`, `cliprange_value`, `vf_coef`). */
  clipRange: TRL.clipRange,
  clipRangeValue: TRL.clipRangeValue,
  vfCoef: TRL.vfCoef,
  /** GAE discount and λ (TRL `gamma` 1, `lam` 0.95). */
  gamma: TRL.gamma,
  lambda: TRL.lambda,
  /** Sampling temperature (TRL 0.7): 1 samples the policy's own distribution, so the ratio is exact. */
  temperature: 1,
  /** Most generated tokens per answer (TRL `response_length` 53): task answers are short. */
  maxNewTokens: 32,
  /**
   * Subtracted from the score of an answer that never ends its turn (TRL `missing_eos_penalty`,
   * off by default there): an answer must end to be checked, and the reward model was only trained
   * on ended answers.
   */
  missingEosPenalty: 1,
  /** Sampled answers per held-out task for the KL and reward figures (0 skips them). */
  evalSamples: 1,
  evalMaxNewTokens: 32,
  /** Checkpoint every N iterations (0: only at the end). */
  checkpointEvery: 0,
  keepLast: 1,
  seed: 0,
  /** Replay of documents beside the loss (used only with `documents`; common/replay.ts). */
  ...REPLAY_DEFAULTS,
};

/** What a user passes to `trainPpo`. */
export interface PpoConfig extends RunOptions, ReplayOptions, Partial<typeof PPO_TRAINER_DEFAULTS> {
  outDir: string;
  /** The starting policy: the SFT checkpoint (or a loaded model and tokenizer, copied). */
  policy: ModelSource;
  /** The reward model: a checkpoint of `trainRewardModel`, or one loaded (must share the policy's tokenizer). */
  rewardModel: string | RewardModel;
  /** The prompts to train on (their answers are scored by the reward model, not checked). */
  tasks: readonly Task[];
  /** Held-out tasks: success before / after, KL and reward. */
  heldout: readonly Task[];
  system?: string;
  backend?: Backend;
}

/** The config with its defaults. */
export type ResolvedPpoConfig = PpoConfig & typeof PPO_TRAINER_DEFAULTS;

/**
 * Fills the defaults and checks every field; throws `PostTrainingConfigError` naming the field.
 *
 * @example
 * ```ts
 * resolvePpoConfig({ outDir, policy, rewardModel, tasks, heldout }).klCoef; // 0.05
 * ```
 */
export function resolvePpoConfig(config: PpoConfig): ResolvedPpoConfig {
  const op = 'trainPpo';
  const c = withDefaults(op, config, PPO_TRAINER_DEFAULTS, [
    'documents',
    'outDir',
    'policy',
    'rewardModel',
    'tasks',
    'heldout',
    'system',
  ]);
  checkInt(op, 'steps', c.steps, 1);
  checkInt(op, 'promptsPerStep', c.promptsPerStep, 1);
  checkInt(op, 'samplesPerPrompt', c.samplesPerPrompt, 1);
  checkInt(op, 'epochs', c.epochs, 1);
  checkInt(op, 'miniBatches', c.miniBatches, 1);
  if (c.miniBatches > c.promptsPerStep * c.samplesPerPrompt) {
    badConfig(
      op,
      'miniBatches',
      `at most ${c.promptsPerStep * c.samplesPerPrompt} (the answers of one step)`,
      c.miniBatches,
    );
  }
  checkNumber(op, 'lr', c.lr, 0, 1, true);
  checkNumber(op, 'minLrFraction', c.minLrFraction, 0, 1);
  checkNumber(op, 'weightDecay', c.weightDecay, 0);
  checkNumber(op, 'clipGradNorm', c.clipGradNorm, 0);
  checkNumber(op, 'klCoef', c.klCoef, 0);
  checkOneOf(op, 'klEstimator', c.klEstimator, ['k1', 'k2', 'k3']);
  checkNumber(op, 'clipRange', c.clipRange, 0, 1, true);
  checkNumber(op, 'clipRangeValue', c.clipRangeValue, 0, Number.POSITIVE_INFINITY, true);
  checkNumber(op, 'vfCoef', c.vfCoef, 0);
  checkNumber(op, 'gamma', c.gamma, 0, 1);
  checkNumber(op, 'lambda', c.lambda, 0, 1);
  checkNumber(op, 'temperature', c.temperature, 0, Number.POSITIVE_INFINITY, true);
  checkInt(op, 'maxNewTokens', c.maxNewTokens, 1);
  checkNumber(op, 'missingEosPenalty', c.missingEosPenalty, 0);
  checkInt(op, 'evalSamples', c.evalSamples, 0);
  checkInt(op, 'evalMaxNewTokens', c.evalMaxNewTokens, 1);
  checkInt(op, 'checkpointEvery', c.checkpointEvery, 0);
  checkInt(op, 'keepLast', c.keepLast, 1);
  checkInt(op, 'seed', c.seed, 0);
  checkReplayOptions(op, c);
  return c;
}
