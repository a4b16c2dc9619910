/**
 * The trainers of @llmforge/sft-rlhf the post-training stages drive, as the contract between that
 * package and the demo describes them (HELPERS.md): each takes a config with an output folder, the
 * model to start from (a checkpoint folder), the tasks, a backend, a seed, step counts and
 * hyper-parameters, a progress reporter and a signal, and returns plain JSON-able figures.
 *
 * They are looked up when a post-training stage starts, so the stages before them (and `chat` on a
 * base model) work with a version of the package that has only its data layer.
 */
import type { Task } from '@llmforge/sft-rlhf';
import type { Backend } from '@llmforge/tensor-gpu';
import type { ProgressReporter } from '@llmforge/trainer';
import { DemoError } from './errors.js';

/** What every trainer config has. */
export interface TrainerCommon {
  outDir: string;
  backend: Backend;
  seed: number;
  steps: number;
  batchSize: number;
  lr: number;
  progress: ProgressReporter;
  signal: AbortSignal;
  resume: boolean;
}

/** Success rates per task family. */
export type PerFamily = Record<string, number>;

export interface SftResultLike {
  checkpointDir: string;
  heldoutLoss: number;
  taskAccuracy: number;
  perFamily: PerFamily;
  seconds: number;
}

export interface RewardResultLike {
  checkpointDir: string;
  pairAccuracy: number;
  meanMargin: number;
  seconds: number;
}

export interface RlResultLike {
  checkpointDir: string;
  successBefore: number;
  successAfter: number;
  meanKL: number;
  perFamily: { before: PerFamily; after: PerFamily };
  rewardCurve: number[];
  klCurve: number[];
  seconds: number;
}

export interface PostTrainers {
  trainSft(cfg: TrainerCommon & { model: string; tasks: Task[]; heldout: Task[] }): Promise<SftResultLike>;
  trainRewardModel(
    cfg: TrainerCommon & { model: string; tasks: Task[]; heldout: Task[] },
  ): Promise<RewardResultLike>;
  trainPpo(
    cfg: TrainerCommon & { policy: string; rewardModel: string; tasks: Task[]; heldout: Task[] },
  ): Promise<RlResultLike>;
  trainGrpo(cfg: TrainerCommon & { policy: string; tasks: Task[]; heldout: Task[] }): Promise<RlResultLike>;
  trainDpo(cfg: TrainerCommon & { policy: string; tasks: Task[]; heldout: Task[] }): Promise<RlResultLike>;
}

const NAMES = ['trainSft', 'trainRewardModel', 'trainPpo', 'trainGrpo', 'trainDpo'] as const;

/**
 * The trainers, or a {@link DemoError} naming those the installed @llmforge/sft-rlhf lacks.
 *
 * @example
 * ```ts
 * const { trainSft } = await loadPostTrainers('sft');
 * ```
 */
export async function loadPostTrainers(stage: string): Promise<PostTrainers> {
  const m = (await import('@llmforge/sft-rlhf')) as unknown as Record<string, unknown>;
  const missing = NAMES.filter((n) => typeof m[n] !== 'function');
  if (missing.length > 0) {
    throw new DemoError({
      operation: stage,
      expected: '@llmforge/sft-rlhf with its trainers',
      found: `a version without ${missing.join(', ')}`,
      hint: 'the post-training stages need the sft-rlhf trainers; prepare, tokenizer, pretrain and chat work without them',
    });
  }
  return m as unknown as PostTrainers;
}
