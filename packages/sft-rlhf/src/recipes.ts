/**
 * Recipes: every setting of a base → SFT → reward model → PPO / GRPO / DPO run, in one object, so a
 * program (the demo, the bench) runs the whole chain from one name. `DEMO_RECIPE` is the one
 * measured in the README's results table; `QUICK_RECIPE` is a minutes-long version for tests and
 * `llmforge-demo --quick`.
 *
 * ```ts
 * const tasks = recipeTasks(await loadTaskData(), DEMO_RECIPE);
 * const sft = await trainSft({ ...DEMO_RECIPE.sft, outDir: 'runs/sft', model: baseDir, tasks: tasks.sft, heldout: tasks.heldout });
 * const rm = await trainRewardModel({ ...DEMO_RECIPE.reward, outDir: 'runs/rm', model: sft.checkpointDir, tasks: tasks.reward, heldout: tasks.heldout });
 * const ppo = await trainPpo({ ...DEMO_RECIPE.ppo, outDir: 'runs/ppo', policy: sft.checkpointDir, rewardModel: rm.checkpointDir, tasks: tasks.rl, heldout: tasks.heldout });
 * ```
 */
import type { DpoConfig } from './dpo/dpo-config.js';
import type { GrpoConfig } from './grpo/grpo-config.js';
import type { MidTrainingMix } from './mid-training/mid-training-data.js';
import type { PpoConfig } from './ppo/ppo-config.js';
import type { RewardConfig } from './reward/reward-config.js';
import type { SftConfig } from './sft/sft-config.js';
import { buildTasks, type TaskMix } from './tasks/build-tasks.js';
import type { Task } from './tasks/task.js';
import type { TaskData } from './tasks/task-data.js';

/**
 * Settings a recipe leaves to the caller: where to write, what to start from, the data (replayed
 * `documents` come from the base model's mid-training shard, `pretrain.mix.replay`).
 */
type Omitted =
  | 'outDir'
  | 'model'
  | 'policy'
  | 'rewardModel'
  | 'tasks'
  | 'heldout'
  | 'conversations'
  | 'pairs'
  | 'documents';

/** A whole post-training run's settings. */
export interface PostTrainingRecipe {
  name: string;
  /** The tokenizer the base model needs: byte-level BPE with these special tokens. */
  tokenizer: { vocabSize: number; specialTokens: readonly string[] };
  /** The base model (a @llmforge/trainer `model` spec: a preset and overrides) and its pretraining. */
  pretrain: {
    model: {
      preset: 'tiny-gpt' | 'tiny-llama';
      contextLength: number;
      nLayer?: number;
      nHead?: number;
      nKvHead?: number;
      nEmbd?: number;
      tiedEmbeddings?: boolean;
    };
    steps: number;
    batchSize: number;
    lr: number;
    /** Mid-training documents mixed into pretraining (`writeMidTrainingShard`); none when absent. */
    mix?: MidTrainingMix;
  };
  /** Which task families, and how many tasks each stage gets. */
  tasks: {
    /** The families of the training stages (SFT, reward model, RL). */
    mix: TaskMix;
    /** The families of the held-out set, when they differ from `mix` (default `mix`). */
    heldoutMix?: TaskMix;
    /**
     * The families of the RL prompts, when they differ from `mix` (default `mix`): RL learns only
     * where the SFT model still errs, so a recipe weights the families it has not solved.
     */
    rlMix?: TaskMix;
    sft: number;
    reward: number;
    rl: number;
    heldout: number;
  };
  sft: Omit<Partial<SftConfig>, Omitted>;
  reward: Omit<Partial<RewardConfig>, Omitted>;
  ppo: Omit<Partial<PpoConfig>, Omitted>;
  grpo: Omit<Partial<GrpoConfig>, Omitted>;
  dpo: Omit<Partial<DpoConfig>, Omitted>;
}

/** The task sets of a recipe: train-split tasks per stage (different seeds), one held-out set. */
export interface RecipeTasks {
  sft: Task[];
  reward: Task[];
  rl: Task[];
  heldout: Task[];
}

/**
 * Builds a recipe's task sets. Every stage draws from the train split with its own seed; the
 * held-out set (split by item: no held-out item is ever trained on) judges every stage.
 *
 * @example
 * ```ts
 * const { sft, heldout } = recipeTasks(await loadTaskData(), DEMO_RECIPE);
 * ```
 */
export function recipeTasks(data: TaskData, recipe: PostTrainingRecipe): RecipeTasks {
  const { mix } = recipe.tasks;
  return {
    sft: buildTasks(data, { mix, count: recipe.tasks.sft, seed: 1, repeat: true }),
    reward: buildTasks(data, { mix, count: recipe.tasks.reward, seed: 3, repeat: true }),
    rl: buildTasks(data, { mix: recipe.tasks.rlMix ?? mix, count: recipe.tasks.rl, seed: 4, repeat: true }),
    heldout: buildTasks(data, {
      mix: recipe.tasks.heldoutMix ?? mix,
      count: recipe.tasks.heldout,
      seed: 2,
      split: 'heldout',
    }),
  };
}

/**
 * The task families the recipes train on (see `DEMO_RECIPE`). Lookups list real capitals and are
 * answered with the bare capital; the closed-book `capital` family asks the same places without a
 * list. The held-out places are not in any task, but the base model read about them in
 * pretraining (`pretrain.mix.facts`, a gazetteer of every place), so held-out lookups measure
 * whether SFT taught the model to answer with what it knows. Earlier recipes made lookups
 * counterfactual and half made-up, to force reading the list — which the 1.12M-parameter model
 * never learned (0 % held-out; README, "Knowledge instead of copying").
 */
export const RECIPE_MIX: TaskMix = {
  'capital-lookup': 3,
  capital: 1,
  calculator: 2,
  sort: 1,
  unknown: 1,
  refusal: 1,
};

/**
 * The RL prompt families of `DEMO_RECIPE` (`tasks.rlMix`): sort, the one family the SFT model has
 * not solved on train-split prompts, at half; the others once each, so RL keeps them.
 */
export const RECIPE_RL_MIX: TaskMix = {
  sort: 4,
  'capital-lookup': 1,
  calculator: 1,
  unknown: 1,
  refusal: 1,
};

/**
 * The held-out families of the recipes: `RECIPE_MIX` without the closed-book `capital` family,
 * whose question (`What is the capital of P?`) is one of the gazetteer's phrasings.
 */
export const RECIPE_HELDOUT_MIX: TaskMix = {
  'capital-lookup': 3,
  calculator: 2,
  sort: 1,
  unknown: 1,
  refusal: 1,
};

/**
 * The recipe of the demo (`llmforge-demo all`), measured on 2 CPU cores (README, "Results").
 */
export const DEMO_RECIPE: PostTrainingRecipe = {
  name: 'demo',
  tokenizer: {
    vocabSize: 2048,
    specialTokens: [
      '<|endoftext|>',
      '<|system|>',
      '<|user|>',
      '<|assistant|>',
      '<|tool|>',
      '<|end|>',
      '<|call|>',
      '<|/call|>',
    ],
  },
  // Mid-training (`pretrain.mix`): half of every batch is the mid-training shard — 8,000
  // train-split task conversations and 3,000 gazetteer documents (the capital of every place, six
  // phrasings) — and SFT replays that shard beside its conversations (`replay`). Mixed training is
  // Allen-Zhu & Li's setting for knowledge a model can later be asked about: the base then solves
  // 67 % of the held-out lookups before SFT, and the replay keeps SFT from overwriting it (57 %
  // after SFT instead of 15 %; README, "Knowledge instead of copying"). It costs Austen validation
  // loss (3.75 for 3.53) and no time.
  // Llama-style (RMSNorm, SwiGLU, rotary positions; here with 4 key/value heads and tied
  // embeddings: 1.12M parameters): validation loss 3.53 where the GPT-2-style tiny-gpt (learned
  // positions, GELU) reached 3.89 in the same 1,500 steps, and 55.1 % held-out success after 1,500
  // SFT steps where tiny-gpt reached 48.1 % (README, Results)
  pretrain: {
    model: { preset: 'tiny-llama', contextLength: 128, nKvHead: 4, tiedEmbeddings: true },
    steps: 1500,
    batchSize: 16,
    lr: 2e-3,
    mix: { weight: 0.5, tasks: 8000, copies: 0, facts: 3000, replay: true },
  },
  tasks: {
    mix: RECIPE_MIX,
    heldoutMix: RECIPE_HELDOUT_MIX,
    // the SFT model answers 100 % of train-split prompts of every family but sort (58 %): RL
    // prompts weighted to sort, the others kept so that RL does not drift from them
    rlMix: RECIPE_RL_MIX,
    sft: 20000,
    reward: 1000,
    rl: 1000,
    heldout: 200,
  },
  // 1,500 steps at 3e-4 with the mid-training shard replayed (`pretrain.mix.replay`): 70.6 % held-out
  // success (lookups 57.3 %, calculator 100 %, sort 8 %) where the recipe before (3,000 steps at
  // 1e-3, counterfactual lookups, Austen-only base) reached 58.3 % with lookups at 0 %. Without the
  // replay the same SFT kept 14.7 % of the lookups. Logits only at the learned tokens
  // (`modelSftLoss`) keep a step cheap. README, "Knowledge instead of copying".
  sft: { steps: 1500, batchSize: 16, lr: 3e-4 },
  reward: { epochs: 2, batchSize: 16, lr: 3e-4, pairsPerTask: 2 },
  // RL from an SFT model that already solves half the held-out tasks can lose what it knows: against
  // a reward model at 73 % pair accuracy (72 % on calculator pairs) PPO at lr 5e-5 raised the RM
  // score 0.95 → 2.48 while success fell 48.1 % → 38.0 % (calculator 100 % → 64 %); at lr 1e-5,
  // 48.1 % → 48.7 %, KL 1.2 nats. GRPO at lr 1e-4 with 4 prompts per step: 48.1 % → 40.6 %; at
  // 3e-5 with 8: 48.1 % → 48.1 % (sampled success 43.3 % → 46.0 %). README, Results.
  // Every post-training stage replays the mid-training shard (`documents`, PPO-ptx at `ptxCoef` 1):
  // without it PPO lost 73.8 → 65.2 %, GRPO → 71.7 %, DPO → 61.5 % (lookups 51 → 25–49 %); with it
  // and the sort-weighted RL prompts, GRPO at 1e-4 for 60 steps 73.8 → 74.9 % (README, Results).
  ppo: { steps: 40, promptsPerStep: 8, samplesPerPrompt: 2, lr: 1e-5, klCoef: 0.2 },
  grpo: { steps: 60, promptsPerStep: 8, groupSize: 8, lr: 1e-4 },
  dpo: { epochs: 2, batchSize: 16, lr: 5e-5, rpoAlpha: 1 },
};

/**
 * A minutes-long recipe with the demo's shapes (the test suite's and `--quick`'s): a tiny model,
 * few steps. Its figures show the chain works, not the targets.
 */
export const QUICK_RECIPE: PostTrainingRecipe = {
  ...DEMO_RECIPE,
  name: 'quick',
  tokenizer: { ...DEMO_RECIPE.tokenizer, vocabSize: 512 },
  pretrain: {
    model: {
      preset: 'tiny-llama',
      contextLength: 128,
      nLayer: 2,
      nEmbd: 64,
      nHead: 2,
      nKvHead: 2,
      tiedEmbeddings: true,
    },
    steps: 60,
    batchSize: 8,
    lr: 3e-3,
    // a small mid-training mix, so the test suite runs the demo's mix path (writeMidTrainingShard,
    // the trainer's data.mix, SFT's replay of the shard); its figures are not the targets either way
    mix: { weight: 0.25, tasks: 400, copies: 200, facts: 100, replay: true },
  },
  tasks: { mix: RECIPE_MIX, heldoutMix: RECIPE_HELDOUT_MIX, sft: 200, reward: 100, rl: 100, heldout: 20 },
  // steps, not epochs: an epoch holds the replayed shard's documents too
  sft: { steps: 16, batchSize: 16, lr: 2e-3 },
  reward: { epochs: 1, batchSize: 16, lr: 3e-4, pairsPerTask: 1 },
  ppo: { steps: 3, promptsPerStep: 4, samplesPerPrompt: 2, lr: 1e-4 },
  grpo: { steps: 3, promptsPerStep: 2, groupSize: 4, lr: 1e-4 },
  dpo: { steps: 4, batchSize: 8, lr: 5e-5, rpoAlpha: 1 },
};
