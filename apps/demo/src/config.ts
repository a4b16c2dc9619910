/**
 * What a demo run does, as one plain object: the preset (`default`, or `quick` for tests and a
 * first look) with the command line's overrides applied. Each stage hashes its own slice of it
 * (see `stages/*.ts`), so changing `pretrain.steps` reruns pretraining and everything after it,
 * and nothing before.
 *
 * The default preset is sized to finish `all` within 30 minutes on 2 CPU cores; `quick` within 3.
 */
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
  };
  /** The checkable tasks of @llmforge/sft-rlhf: how many for training and for held-out evaluation. */
  tasks: {
    train: number;
    heldout: number;
  };
  sft: { steps: number; batchSize: number; lr: number };
  reward: { steps: number; batchSize: number; lr: number };
  ppo: { steps: number; batchSize: number; lr: number };
  grpo: { steps: number; batchSize: number; lr: number };
  dpo: { steps: number; batchSize: number; lr: number };
  /** The RL stages `all` runs after the reward model. */
  rl: RlStageName[];
  /** Sample generations shown after each stage: most new tokens. */
  samples: { maxNewTokens: number };
}

/** The GPT-2-style switches every demo model uses. */
const GPT2_STYLE = {
  norm: 'layernorm',
  activation: 'gelu_tanh',
  positions: 'learned',
  tiedEmbeddings: true,
  bias: true,
} as const;

/**
 * The default run (`llmforge-demo all`): a 4-layer, 128-wide GPT with a 128-token context
 * pretrained on the Austen novels, then post-trained.
 */
export const DEFAULT_CONFIG: DemoConfig = {
  preset: 'default',
  seed: 1337,
  corpus: { paths: null, maxChars: null, valFraction: 0.05 },
  tokenizer: { vocabSize: 2048 },
  pretrain: {
    model: { contextLength: 128, nLayer: 4, nHead: 4, nEmbd: 128, ...GPT2_STYLE },
    steps: 1500,
    batchSize: 16,
    lr: 2e-3,
    warmupSteps: 100,
    evalEvery: 250,
    evalBatches: 20,
  },
  tasks: { train: 3000, heldout: 200 },
  sft: { steps: 600, batchSize: 16, lr: 1e-3 },
  reward: { steps: 300, batchSize: 16, lr: 1e-3 },
  ppo: { steps: 40, batchSize: 16, lr: 1e-5 },
  grpo: { steps: 40, batchSize: 16, lr: 1e-5 },
  dpo: { steps: 100, batchSize: 16, lr: 5e-6 },
  rl: ['ppo'],
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
    model: { contextLength: 128, nLayer: 2, nHead: 2, nEmbd: 64, ...GPT2_STYLE },
    steps: 60,
    batchSize: 8,
    lr: 3e-3,
    warmupSteps: 6,
    evalEvery: 30,
    evalBatches: 4,
  },
  tasks: { train: 400, heldout: 40 },
  sft: { steps: 40, batchSize: 8, lr: 3e-3 },
  reward: { steps: 30, batchSize: 8, lr: 3e-3 },
  ppo: { steps: 3, batchSize: 8, lr: 1e-4 },
  grpo: { steps: 3, batchSize: 8, lr: 1e-4 },
  dpo: { steps: 10, batchSize: 8, lr: 1e-4 },
  rl: ['ppo', 'grpo', 'dpo'],
  samples: { maxNewTokens: 24 },
};

/** A deep copy of a preset. */
export function presetConfig(name: DemoConfig['preset']): DemoConfig {
  return structuredClone(name === 'quick' ? QUICK_CONFIG : DEFAULT_CONFIG);
}
