/**
 * What a demo run does, as one plain object: the preset (`default`, or `quick` for tests and a
 * first look) with the command line's overrides applied. Each stage hashes its own slice of it
 * (see `stages/*.ts`), so changing `pretrain.steps` reruns pretraining and everything after it,
 * and nothing before.
 *
 * The default preset aims at `all` within 30 minutes on 2 CPU cores (not yet timed on an idle
 * machine: see the README); `quick` finishes within 3.
 */
import { DEMO_RECIPE, type MidTrainingMix, type PostTrainingRecipe, QUICK_RECIPE } from '@llmforge/sft-rlhf';
import type { ModelConfigInput } from '@llmforge/transformer';

/** The stages, in pipeline order. */
export const STAGES = ['prepare', 'tokenizer', 'pretrain', 'sft', 'reward', 'ppo', 'grpo', 'dpo'] as const;
export type StageName = (typeof STAGES)[number];

/** The reinforcement-learning stages (`all` runs those in `rl`). */
export const RL_STAGES = ['ppo', 'grpo', 'dpo'] as const;
export type RlStageName = (typeof RL_STAGES)[number];

/** The model of pretraining, without its vocabulary size (the tokenizer's). */
export type DemoModelConfig = Omit<ModelConfigInput, 'vocabSize'>;

/** A demo run's configuration. */
export interface DemoConfig {
  preset: 'default' | 'quick';
  /** Seed of every random choice (data split, initialisation, batches, sampling). */
  seed: number;
  corpus: {
    /** Files, folders or globs of the user's corpus; null = the embedded Austen novels. */
    paths: string[] | null;
    /** Use only the first N characters of the corpus (null: all of it). */
    maxChars: number | null;
    /** Fraction of documents (paragraphs) held out for validation. */
    valFraction: number;
  };
  tokenizer: {
    /** Vocabulary size, special tokens included. */
    vocabSize: number;
  };
  pretrain: {
    model: DemoModelConfig;
    steps: number;
    batchSize: number;
    lr: number;
    warmupSteps: number;
    /** Evaluate (and checkpoint) every N steps. */
    evalEvery: number;
    evalBatches: number;
    /**
     * Mid-training documents mixed into every batch (null: the corpus alone): rendered train-split
     * task conversations (`tasks` of them, the families of `tasks.mix`) and synthetic copy sequences
     * (`copies`), together `weight` of each batch's rows. Meant to teach the base model the chat
     * format and to copy from its context; at the default's budget it did not (README, "Results").
     */
    mix: MidTrainingMix | null;
  };
  /**
   * The checkable tasks of @llmforge/sft-rlhf: the family mix, how many training tasks each
   * post-training stage draws, and the held-out tasks every stage is judged on.
   */
  tasks: PostTrainingRecipe['tasks'];
  /** The trainers' settings (their other settings keep @llmforge/sft-rlhf's commented defaults). */
  sft: PostTrainingRecipe['sft'];
  reward: PostTrainingRecipe['reward'];
  ppo: PostTrainingRecipe['ppo'];
  grpo: PostTrainingRecipe['grpo'];
  dpo: PostTrainingRecipe['dpo'];
  /** The RL stages `all` runs after the reward model. */
  rl: RlStageName[];
  /** Sample generations shown after each stage: most new tokens. */
  samples: { maxNewTokens: number };
}

/**
 * The Llama-style switches every demo model uses (@llmforge/sft-rlhf's recipes: `tiny-llama` with
 * as many key/value heads as query heads and tied embeddings): RMSNorm, a SwiGLU MLP, rotary
 * positions, no biases. Against the GPT-2 style (LayerNorm, GELU, learned positions) on the same
 * budget: Austen validation loss 3.53 instead of 3.89, held-out task success after SFT 55.1 %
 * instead of 48.1 % (@llmforge/sft-rlhf's README, Results).
 */
const LLAMA_STYLE = {
  norm: 'rmsnorm',
  activation: 'swiglu',
  positions: 'rope',
  tiedEmbeddings: true,
  bias: false,
} as const;

/**
 * The default run (`llmforge-demo all`): a 4-layer, 128-wide Llama-style transformer with a 128-token context
 * pretrained on the Austen novels, then post-trained.
 */
export const DEFAULT_CONFIG: DemoConfig = {
  preset: 'default',
  seed: 1337,
  corpus: { paths: null, maxChars: null, valFraction: 0.05 },
  tokenizer: { vocabSize: 2048 },
  pretrain: {
    model: { contextLength: 128, nLayer: 4, nHead: 4, nEmbd: 128, ...LLAMA_STYLE },
    // steps, batch, peak rate and mid-training mix: @llmforge/sft-rlhf's demo recipe
    steps: DEMO_RECIPE.pretrain.steps,
    batchSize: DEMO_RECIPE.pretrain.batchSize,
    lr: DEMO_RECIPE.pretrain.lr,
    warmupSteps: 100,
    evalEvery: 250,
    evalBatches: 20,
    mix: DEMO_RECIPE.pretrain.mix ?? null,
  },
  // post-training: @llmforge/sft-rlhf's demo recipe, the one its README's results were measured with
  tasks: DEMO_RECIPE.tasks,
  sft: DEMO_RECIPE.sft,
  reward: DEMO_RECIPE.reward,
  ppo: DEMO_RECIPE.ppo,
  grpo: DEMO_RECIPE.grpo,
  dpo: DEMO_RECIPE.dpo,
  rl: ['ppo', 'grpo', 'dpo'],
  samples: { maxNewTokens: 40 },
};

/**
 * The quick run (`--quick`, what the tests run): a slice of the corpus, a 512-token vocabulary, a
 * 2-layer 64-wide model and a few steps of every stage. Its figures are not the targets; it shows
 * that every stage runs and writes what it should.
 */
export const QUICK_CONFIG: DemoConfig = {
  preset: 'quick',
  seed: 1337,
  corpus: { paths: null, maxChars: 300_000, valFraction: 0.05 },
  tokenizer: { vocabSize: 512 },
  pretrain: {
    model: { contextLength: 128, nLayer: 2, nHead: 2, nEmbd: 64, ...LLAMA_STYLE },
    steps: QUICK_RECIPE.pretrain.steps,
    batchSize: QUICK_RECIPE.pretrain.batchSize,
    lr: QUICK_RECIPE.pretrain.lr,
    warmupSteps: 6,
    evalEvery: 30,
    evalBatches: 4,
    mix: QUICK_RECIPE.pretrain.mix ?? null,
  },
  tasks: QUICK_RECIPE.tasks,
  sft: QUICK_RECIPE.sft,
  reward: QUICK_RECIPE.reward,
  ppo: QUICK_RECIPE.ppo,
  grpo: QUICK_RECIPE.grpo,
  dpo: QUICK_RECIPE.dpo,
  rl: ['ppo', 'grpo', 'dpo'],
  samples: { maxNewTokens: 24 },
};

/** A deep copy of a preset. */
export function presetConfig(name: DemoConfig['preset']): DemoConfig {
  return structuredClone(name === 'quick' ? QUICK_CONFIG : DEFAULT_CONFIG);
}
