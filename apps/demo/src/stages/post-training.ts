/**
 * The post-training stages: from a base model to an assistant, with @llmforge/sft-rlhf.
 *
 *   sft     pretrain checkpoint + task conversations ─► trainSft ─► an instruction-following model
 *   reward  SFT checkpoint + (correct, incorrect) answer pairs ─► trainRewardModel ─► a scalar scorer
 *   ppo     SFT policy, frozen reference, reward model ─► trainPpo (KL leash, GAE, clipped ratio)
 *   grpo    SFT policy, checker rewards, group-normalised advantages ─► trainGrpo
 *   dpo     SFT policy, preference pairs, no reward model ─► trainDpo
 *
 * Every trainer writes into the stage's folder (checkpoint + metrics.jsonl) and returns its
 * figures; the stage then answers the sample prompts with the new model.
 */
import { relative } from 'node:path';
import { buildTasks, SMALL_MODEL_MIX, type Task } from '@llmforge/sft-rlhf';
import { loadTaskData } from '@llmforge/sft-rlhf/node';
import { loadCheckpoint } from '../checkpoint.js';
import type { DemoConfig, RlStageName } from '../config.js';
import {
  loadPostTrainers,
  type RewardResultLike,
  type RlResultLike,
  type SftResultLike,
  type TrainerCommon,
} from '../post-trainers.js';
import { type Sample, sampleAnswers } from '../samples.js';
import type { Stage, StageContext } from '../stage.js';

/** The task sets: training tasks and held-out ones (never sharing an item). */
async function taskSets(c: DemoConfig): Promise<{ tasks: Task[]; heldout: Task[] }> {
  const data = await loadTaskData();
  return {
    tasks: buildTasks(data, { mix: SMALL_MODEL_MIX, count: c.tasks.train, seed: c.seed, split: 'train' }),
    heldout: buildTasks(data, {
      mix: SMALL_MODEL_MIX,
      count: c.tasks.heldout,
      seed: c.seed + 1,
      split: 'heldout',
    }),
  };
}

/** The checkpoint folder of a finished stage, absolute. */
function checkpointOf(ctx: StageContext, stage: 'pretrain' | 'sft' | 'reward'): string {
  const r = ctx.upstream<{ checkpoint: string }>(stage).result;
  return ctx.run.path(stage, r.checkpoint);
}

/** What every trainer config shares: folder, backend, seed, steps, progress, signal, resume. */
async function common(
  ctx: StageContext,
  stage: string,
  steps: { steps: number; batchSize: number; lr: number },
): Promise<TrainerCommon> {
  const { backend } = await ctx.backend();
  return {
    outDir: ctx.dir,
    backend,
    seed: ctx.config.seed,
    ...steps,
    progress: ctx.progress.stage(stage, 'steps'),
    signal: ctx.signal,
    resume: ctx.resumable,
  };
}

/** Answers the sample prompts with the checkpoint a stage wrote. */
async function samplesOf(ctx: StageContext, checkpointDir: string, stage: string): Promise<Sample[]> {
  const { backend } = await ctx.backend();
  const loaded = await loadCheckpoint(checkpointDir, backend, `llmforge-demo ${stage} --force`);
  try {
    return await sampleAnswers(loaded.model, loaded.tokenizer, ctx.config.samples.maxNewTokens);
  } finally {
    loaded.model.dispose();
  }
}

/** What `sft` reports. */
export interface SftResult extends Omit<SftResultLike, 'checkpointDir'> {
  checkpoint: string;
  samples: Sample[];
}

export const sftStage: Stage<SftResult> = {
  name: 'sft',
  title: 'supervised fine-tuning on task conversations',
  needs: ['pretrain'],
  config: (c) => ({ ...c.sft, tasks: c.tasks, mix: SMALL_MODEL_MIX, seed: c.seed }),
  async run(ctx) {
    const { trainSft } = await loadPostTrainers('sft');
    const r = await trainSft({
      ...(await common(ctx, 'sft', ctx.config.sft)),
      model: checkpointOf(ctx, 'pretrain'),
      ...(await taskSets(ctx.config)),
    });
    ctx.signal.throwIfAborted();
    const { checkpointDir, ...figures } = r;
    return {
      ...figures,
      checkpoint: relative(ctx.dir, checkpointDir),
      samples: await samplesOf(ctx, checkpointDir, 'sft'),
    };
  },
  summary: (r) =>
    `task accuracy ${(r.taskAccuracy * 100).toFixed(1)}%, held-out loss ${r.heldoutLoss.toFixed(3)}`,
};

/** What `reward` reports. */
export interface RewardResult extends Omit<RewardResultLike, 'checkpointDir'> {
  checkpoint: string;
}

export const rewardStage: Stage<RewardResult> = {
  name: 'reward',
  title: 'train a reward model on answer pairs',
  needs: ['sft'],
  config: (c) => ({ ...c.reward, tasks: c.tasks, mix: SMALL_MODEL_MIX, seed: c.seed }),
  async run(ctx) {
    const { trainRewardModel } = await loadPostTrainers('reward');
    const r = await trainRewardModel({
      ...(await common(ctx, 'reward', ctx.config.reward)),
      model: checkpointOf(ctx, 'sft'),
      ...(await taskSets(ctx.config)),
    });
    ctx.signal.throwIfAborted();
    const { checkpointDir, ...figures } = r;
    return { ...figures, checkpoint: relative(ctx.dir, checkpointDir) };
  },
  summary: (r) =>
    `pair accuracy ${(r.pairAccuracy * 100).toFixed(1)}%, mean margin ${r.meanMargin.toFixed(2)}`,
};

/** What `ppo`, `grpo` and `dpo` report. */
export interface RlResult extends Omit<RlResultLike, 'checkpointDir'> {
  checkpoint: string;
  samples: Sample[];
}

function rlStage(name: RlStageName, title: string): Stage<RlResult> {
  return {
    name,
    title,
    needs: name === 'ppo' ? ['sft', 'reward'] : ['sft'],
    config: (c) => ({ ...c[name], tasks: c.tasks, mix: SMALL_MODEL_MIX, seed: c.seed }),
    async run(ctx) {
      const trainers = await loadPostTrainers(name);
      const base = {
        ...(await common(ctx, name, ctx.config[name])),
        policy: checkpointOf(ctx, 'sft'),
        ...(await taskSets(ctx.config)),
      };
      const r =
        name === 'ppo'
          ? await trainers.trainPpo({ ...base, rewardModel: checkpointOf(ctx, 'reward') })
          : name === 'grpo'
            ? await trainers.trainGrpo(base)
            : await trainers.trainDpo(base);
      ctx.signal.throwIfAborted();
      const { checkpointDir, ...figures } = r;
      return {
        ...figures,
        checkpoint: relative(ctx.dir, checkpointDir),
        samples: await samplesOf(ctx, checkpointDir, name),
      };
    },
    summary: (r) =>
      `success ${(r.successBefore * 100).toFixed(1)}% → ${(r.successAfter * 100).toFixed(1)}%, KL ${r.meanKL.toFixed(2)} nats`,
  };
}

export const ppoStage = rlStage('ppo', 'PPO against the reward model, KL-leashed to the SFT model');
export const grpoStage = rlStage('grpo', 'GRPO with checker rewards (no critic)');
export const dpoStage = rlStage('dpo', 'DPO on preference pairs (no reward model)');
