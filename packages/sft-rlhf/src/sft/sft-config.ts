/**
 * The configuration of `trainSft`: what a user writes, the defaults (each with its reason), and
 * the checks that run before anything is written.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import type { Conversation } from '../chat/conversation.js';
import { checkInt, checkNumber, withDefaults } from '../common/check-config.js';
import type { ModelSource } from '../common/policy.js';
import type { RunOptions } from '../common/run.js';
import type { Task } from '../tasks/task.js';

/**
 * The defaults. Small models SFT'd on a CPU take a higher rate than the 2e-5 of TRL's `SFTConfig`
 * (made for billion-parameter models): with ~1M parameters and a few hundred steps, 1e-3 is what
 * converges; AdamW β₂ 0.95 and clipping at 1 as in pretraining.
 */
export const SFT_DEFAULTS = {
  /** Passes over the data when `steps` is not set (TRL: 3 epochs too). */
  epochs: 3,
  /** Rows per step. */
  batchSize: 16,
  /** Several conversations per row: short task conversations would leave rows mostly padding. */
  packing: true,
  lr: 1e-3,
  /** Fraction of the steps spent warming up (when `warmupSteps` is not set). */
  warmupFraction: 0.05,
  /** TRL's SFTConfig: no weight decay. */
  weightDecay: 0,
  betas: [0.9, 0.95] as [number, number],
  /** Global gradient-norm clip; 0 disables. */
  clipGradNorm: 1,
  /** Evaluate every N steps (0: only before and after). */
  evalEvery: 0,
  /** Most generated tokens per held-out answer. */
  evalMaxNewTokens: 32,
  /** Checkpoint every N steps (0: only at the end). */
  checkpointEvery: 0,
  keepLast: 1,
  seed: 0,
};

/** What a user passes to `trainSft` (only `outDir`, `model` and some data are required). */
export interface SftConfig extends RunOptions, Partial<typeof SFT_DEFAULTS> {
  /** The run directory (checkpoints, metrics.jsonl, report.html, result.json). */
  outDir: string;
  /** The base model: a checkpoint folder (HF layout + tokenizer.json) or a loaded model and tokenizer. */
  model: ModelSource;
  /** Tasks to learn (each becomes its reference conversation, `taskConversation`). */
  tasks?: readonly Task[];
  /** And/or conversations of your own: an array, or a JSONL file (`readConversationsFile`). */
  conversations?: readonly Conversation[] | string;
  /**
   * Token documents learned on every token, packed beside the conversations (default none): a
   * replay of the base model's pretraining or mid-training data (`readShardDocuments`), so that
   * SFT keeps rehearsing what the base model knows while it learns the conversations. The ratio is
   * the caller's: pass as many documents as the share of each step they should take. Ids must be
   * in the model's vocabulary; a document longer than `maxLength` is skipped and counted.
   */
  documents?: readonly (readonly number[])[];
  /** Held-out tasks: their conversations give the held-out loss, their checkers the accuracy. */
  heldout?: readonly Task[];
  /** A system message before every task prompt. */
  system?: string;
  /** Optimizer steps (default: `epochs` passes over the data). */
  steps?: number;
  /** Row length (default: the model's context length); longer conversations are skipped and counted. */
  maxLength?: number;
  /** The cosine schedule's floor (default lr / 10). */
  minLr?: number;
  /** Default: `warmupFraction` of the steps. */
  warmupSteps?: number;
  /** A backend (default: tensor-gpu's shared CPU backend, or the given model's). */
  backend?: Backend;
}

/** The config with its defaults. */
export type ResolvedSftConfig = SftConfig & typeof SFT_DEFAULTS;

/**
 * Fills the defaults and checks every field; throws `PostTrainingConfigError` naming the field.
 *
 * @example
 * ```ts
 * resolveSftConfig({ outDir: 'runs/sft', model: 'runs/base', tasks }).lr; // 1e-3
 * ```
 */
export function resolveSftConfig(config: SftConfig): ResolvedSftConfig {
  const op = 'trainSft';
  const c = withDefaults(op, config, SFT_DEFAULTS, [
    'outDir',
    'model',
    'tasks',
    'conversations',
    'documents',
    'heldout',
    'system',
    'steps',
    'maxLength',
    'minLr',
    'warmupSteps',
  ]);
  checkNumber(op, 'epochs', c.epochs, 0, Number.POSITIVE_INFINITY, true);
  if (c.steps !== undefined) checkInt(op, 'steps', c.steps, 1);
  checkInt(op, 'batchSize', c.batchSize, 1);
  if (c.maxLength !== undefined) checkInt(op, 'maxLength', c.maxLength, 2);
  checkNumber(op, 'lr', c.lr, 0, 1, true);
  if (c.minLr !== undefined) checkNumber(op, 'minLr', c.minLr, 0, c.lr);
  if (c.warmupSteps !== undefined) checkInt(op, 'warmupSteps', c.warmupSteps, 0);
  checkNumber(op, 'warmupFraction', c.warmupFraction, 0, 1);
  checkNumber(op, 'weightDecay', c.weightDecay, 0);
  checkNumber(op, 'betas[0]', c.betas[0], 0, 1);
  checkNumber(op, 'betas[1]', c.betas[1], 0, 1);
  checkNumber(op, 'clipGradNorm', c.clipGradNorm, 0);
  checkInt(op, 'evalEvery', c.evalEvery, 0);
  checkInt(op, 'evalMaxNewTokens', c.evalMaxNewTokens, 1);
  checkInt(op, 'checkpointEvery', c.checkpointEvery, 0);
  checkInt(op, 'keepLast', c.keepLast, 1);
  checkInt(op, 'seed', c.seed, 0);
  return c;
}
