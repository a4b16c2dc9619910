/**
 * The post-training stages: from a base model to an assistant, with @llmforge/sft-rlhf.
 *
 *   sft     pretrain checkpoint + task conversations (+ the mid-training shard replayed, with
 *           `pretrain.mix.replay`; the later stages replay it too) ─► trainSft ─► an
 *           instruction-following model
 *   reward  SFT checkpoint + (correct, incorrect) answer pairs ─► trainRewardModel ─► a scalar scorer
 *   ppo     SFT policy, frozen reference, reward model ─► trainPpo (KL leash, GAE, clipped ratio)
 *   grpo    SFT policy, checker rewards, group-normalised advantages ─► trainGrpo
 *   dpo     SFT policy, preference pairs, no reward model ─► trainDpo
 *
 * Each trainer writes into the stage's folder (checkpoints, metrics.jsonl, its own report.html and
 * result.json) and returns its figures; the stage keeps them (without the trainer's long sample
 * lists, which stay in result.json) and answers the demo's sample prompts with the new model.
 * The settings and task counts are the preset's (`config.ts`: sft-rlhf's demo and quick recipes).
 */
import { relative } from 'node:path';
import { DEMO_RECIPE, type RecipeTasks, recipeTasks } from '@llmforge/sft-rlhf';
import {
  loadTaskData,
  midTrainingShardPath,
  type RewardResult as RewardTrainerResult,
  type RlResult as RlTrainerResult,
  readShardDocuments,
  type SftResult as SftTrainerResult,
  trainDpo,
  trainGrpo,
  trainPpo,
  trainRewardModel,
  trainSft,
} from '@llmforge/sft-rlhf/node';
import type { Backend } from '@llmforge/tensor-gpu';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import type { ProgressReporter } from '@llmforge/trainer/node';
import { loadCheckpoint } from '../checkpoint.js';
import type { DemoConfig, RlStageName } from '../config.js';
import { type Sample, sampleAnswers } from '../samples.js';
import type { Stage, StageContext } from '../stage.js';
import { END_OF_TEXT, type TokenizerResult } from './tokenizer.js';

/** The task sets of the preset: training tasks per stage, and held-out ones (never sharing an item). */
async function taskSets(c: DemoConfig): Promise<RecipeTasks> {
  return recipeTasks(await loadTaskData(), { ...DEMO_RECIPE, tasks: c.tasks });
}

/** The checkpoint folder of a finished stage, absolute. */
function checkpointOf(ctx: StageContext, stage: 'pretrain' | 'sft' | 'reward'): string {
  const r = ctx.upstream<{ checkpoint: string }>(stage).result;
  return ctx.run.path(stage, r.checkpoint);
}

/** What every trainer config shares: folder, backend, seed, progress, signal, resume. */
async function common(
  ctx: StageContext,
  stage: string,
): Promise<{
  outDir: string;
  backend: Backend;
  seed: number;
  progress: ProgressReporter;
  signal: AbortSignal;
  resume: boolean;
}> {
  const { backend } = await ctx.backend();
  return {
    outDir: ctx.dir,
    backend,
    seed: ctx.config.seed,
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

/** A rate as `12.5%`, or `—` when the trainer had nothing to measure it on. */
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const fixed = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

/** What `sft` reports: the trainer's figures, its checkpoint (relative to the stage), the samples. */
export interface SftResult extends Omit<SftTrainerResult, 'checkpointDir' | 'samples'> {
  checkpoint: string;
  samples: Sample[];
}

/**
 * The documents every post-training stage replays (`MidTrainingMix.replay`): those of the
 * mid-training shard pretraining read, from the pretrain stage's `mix/` folder. SFT packs them
 * beside its conversations; the reward model and the RL stages add their language-modelling loss to
 * every update (PPO-ptx, `ptxCoef`). None without replay.
 */
async function replayed(ctx: StageContext): Promise<{ documents?: number[][] }> {
  if (!ctx.config.pretrain.mix?.replay) return {};
  const tok = ctx.upstream<TokenizerResult>('tokenizer').result;
  const tokenizer = await loadTokenizer(ctx.run.path('tokenizer', tok.tokenizer));
  const documents = readShardDocuments(
    midTrainingShardPath(ctx.run.path('pretrain', 'mix')),
    tokenizer.tokenToId(END_OF_TEXT)!,
  );
  return documents.length > 0 ? { documents } : {};
}

/** In a stage's config (its fingerprint): whether it replays the mid-training shard. */
const replayFlag = (c: DemoConfig) => (c.pretrain.mix?.replay ? { replay: true } : {});

export const sftStage: Stage<SftResult> = {
  name: 'sft',
  title: 'supervised fine-tuning on task conversations',
  needs: ['pretrain'],
  config: (c) => ({
    ...c.sft,
    tasks: c.tasks,
    seed: c.seed,
    ...replayFlag(c),
  }),
  async run(ctx) {
    const tasks = await taskSets(ctx.config);
    const {
      checkpointDir,
      samples: _judged,
      ...figures
    } = await trainSft({
      ...ctx.config.sft,
      ...(await common(ctx, 'sft')),
      model: checkpointOf(ctx, 'pretrain'),
      tasks: tasks.sft,
      heldout: tasks.heldout,
      ...(await replayed(ctx)),
    });
    ctx.signal.throwIfAborted();
    return {
      ...figures,
      checkpoint: relative(ctx.dir, checkpointDir),
      samples: await samplesOf(ctx, checkpointDir, 'sft'),
    };
  },
  summary: (r) => `task accuracy ${pct(r.taskAccuracy)}, held-out loss ${fixed(r.heldoutLoss, 3)}`,
};

/** What `reward` reports. */
export interface RewardResult extends Omit<RewardTrainerResult, 'checkpointDir'> {
  checkpoint: string;
}

export const rewardStage: Stage<RewardResult> = {
  name: 'reward',
  title: 'train a reward model on answer pairs',
  needs: ['sft'],
  config: (c) => ({ ...c.reward, tasks: c.tasks, seed: c.seed, ...replayFlag(c) }),
  async run(ctx) {
    const tasks = await taskSets(ctx.config);
    const { checkpointDir, ...figures } = await trainRewardModel({
      ...ctx.config.reward,
      ...(await common(ctx, 'reward')),
      model: checkpointOf(ctx, 'sft'),
      tasks: tasks.reward,
      heldout: tasks.heldout,
      ...(await replayed(ctx)),
    });
    ctx.signal.throwIfAborted();
    return { ...figures, checkpoint: relative(ctx.dir, checkpointDir) };
  },
  summary: (r) => `pair accuracy ${pct(r.pairAccuracy)}, mean margin ${fixed(r.meanMargin, 2)}`,
};

/** What `ppo`, `grpo` and `dpo` report. */
export interface RlResult extends Omit<RlTrainerResult, 'checkpointDir' | 'samplesBefore' | 'samplesAfter'> {
  checkpoint: string;
  samples: Sample[];
}

async function trainRl(ctx: StageContext, name: RlStageName): Promise<RlTrainerResult> {
  const tasks = await taskSets(ctx.config);
  const base = {
    ...(await common(ctx, name)),
    policy: checkpointOf(ctx, 'sft'),
    tasks: tasks.rl,
    heldout: tasks.heldout,
    ...(await replayed(ctx)),
  };
  if (name === 'ppo') {
    return trainPpo({ ...ctx.config.ppo, ...base, rewardModel: checkpointOf(ctx, 'reward') });
  }
  return name === 'grpo'
    ? trainGrpo({ ...ctx.config.grpo, ...base })
    : trainDpo({ ...ctx.config.dpo, ...base });
}

function rlStage(name: RlStageName, title: string): Stage<RlResult> {
  return {
    name,
    title,
    needs: name === 'ppo' ? ['sft', 'reward'] : ['sft'],
    config: (c) => ({ ...c[name], tasks: c.tasks, seed: c.seed, ...replayFlag(c) }),
    async run(ctx) {
      const { checkpointDir, samplesBefore: _b, samplesAfter: _a, ...figures } = await trainRl(ctx, name);
      ctx.signal.throwIfAborted();
      return {
        ...figures,
        checkpoint: relative(ctx.dir, checkpointDir),
        samples: await samplesOf(ctx, checkpointDir, name),
      };
    },
    summary: (r) =>
      `success ${pct(r.successBefore)} → ${pct(r.successAfter)}, KL ${r.meanKL.toFixed(2)} nats`,
  };
}

export const ppoStage = rlStage('ppo', 'PPO against the reward model, KL-leashed to the SFT model');
export const grpoStage = rlStage('grpo', 'GRPO with checker rewards (no critic)');
export const dpoStage = rlStage('dpo', 'DPO on preference pairs (no reward model)');
