/**
 * The configuration of {@link train}: the typed object a user writes (or a JSON / JS file for
 * `llmforge-train`), the defaults, each with the reason it is the default, and
 * `resolveTrainConfig`, which fills them in and rejects a config that cannot work — naming the
 * field — before any model is built or file written. Checks that need the data (vocabulary, batch
 * against split sizes) run in `train()` right after the shards are opened, still before any step.
 */

import {
  type ModelConfig,
  type ModelConfigInput,
  type PresetName,
  presets,
  resolveConfig,
} from '@llmforge/transformer';
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  checkString,
  configError,
} from '../config-check.js';
import { mixRows } from '../data/mix-rows.js';
import { TrainerConfigError } from '../errors.js';

/** The model: a full config, or a preset name plus overrides; `vocabSize` defaults to the dataset's. */
export type ModelSpec = (Partial<ModelConfigInput> & { preset?: PresetName }) | ModelConfigInput;

/** What a user passes to {@link train} (only `outDir`, `data`, `model` and `steps` are required). */
export interface TrainConfig {
  /** The run directory: `checkpoints/`, `metrics.jsonl`, `report.html`, `config.json`. */
  outDir: string;
  data: {
    /** A dataset directory written by `llmforge-prepare` (shards, dataset.json, tokenizer.json). */
    dir?: string;
    /** Or llm.c shard files / globs directly (then `model.vocabSize` is required). */
    train?: string | string[];
    val?: string | string[];
    /** A tokenizer.json to put in checkpoints (default: the dataset's). */
    tokenizer?: string;
    /** `random` windows (nanoGPT) or `sequential` passes (llm.c). Default `random`. */
    order?: 'random' | 'sequential';
    /** Start every window at a document start (the end-of-text token). Default false. */
    alignDocuments?: boolean;
    /**
     * More training sources mixed into every batch, each a fixed fraction of its rows (`weight`,
     * rounded to whole rows; the main data takes the rest), e.g. rendered task conversations beside
     * a corpus (mid-training). Shards must use the main data's tokenizer. Default none.
     * See `MixedTokenLoader`.
     */
    mix?: { train: string | string[]; weight: number }[];
  };
  model: ModelSpec;
  /** Optimizer steps. */
  steps: number;
  /** Tokens per row (T). Default: the model's contextLength. */
  seqLen?: number;
  /** Rows per micro-batch (B). */
  batchSize?: number;
  /** Micro-batches per optimizer step. */
  gradAccumSteps?: number;
  optimizer?: { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number };
  schedule?: {
    type?: 'cosine' | 'linear' | 'wsd' | 'constant';
    warmupSteps?: number;
    minLr?: number;
    /** WSD: length of the final decay. */
    decaySteps?: number;
    decayShape?: 'linear' | 'cosine' | 'sqrt';
  };
  /** Global gradient-norm clip; null disables clipping. */
  clipGradNorm?: number | null;
  eval?: {
    /** Evaluate every N steps (and after the last step); 0 only at the end. */
    every?: number;
    /** Fixed validation batches per evaluation. */
    batches?: number;
    /** Rows per validation batch (default batchSize). */
    batchSize?: number;
  };
  checkpoint?: {
    /** Save every N steps (and after the last step). Default: at every evaluation. */
    every?: number;
    /** Keep the last K checkpoints. */
    keepLast?: number;
    /** Also keep the one with the lowest validation loss. */
    keepBest?: boolean;
  };
  /** `f32`, `f16-mixed` (f16 compute, f32 master weights, dynamic loss scaling) or `f64` (CPU, tests). */
  precision?: 'f32' | 'f16-mixed' | 'f64';
  lossScale?: { initial?: number; growthInterval?: number };
  /** Recompute each block in the backward pass instead of storing its activations. */
  activationCheckpointing?: boolean;
  seed?: number;
  log?: {
    /** Write a metrics line every N steps. */
    every?: number;
    /** `auto` (a bar on a TTY, plain lines otherwise), `bar`, `lines` or `none`. */
    progress?: 'auto' | 'bar' | 'lines' | 'none';
  };
  device?: {
    backend?: 'cpu' | 'webgpu';
    /** Peak FLOP/s for MFU; `measure` times a matmul on the backend at start; null hides MFU. */
    peakFlops?: number | 'measure' | null;
  };
  /** Continue from the latest checkpoint in `outDir`. */
  resume?: boolean;
}

/** Every field filled. */
export interface ResolvedTrainConfig {
  outDir: string;
  data: {
    dir: string | null;
    train: string[];
    val: string[];
    tokenizer: string | null;
    order: 'random' | 'sequential';
    alignDocuments: boolean;
    mix: { train: string[]; weight: number }[];
  };
  /** The model config, except that `vocabSize` may still be 0 (= take the dataset's). */
  model: ModelConfig;
  steps: number;
  seqLen: number;
  batchSize: number;
  gradAccumSteps: number;
  optimizer: { lr: number; betas: [number, number]; eps: number; weightDecay: number };
  schedule: {
    type: 'cosine' | 'linear' | 'wsd' | 'constant';
    warmupSteps: number;
    minLr: number;
    decaySteps: number;
    decayShape: 'linear' | 'cosine' | 'sqrt';
  };
  clipGradNorm: number | null;
  eval: { every: number; batches: number; batchSize: number };
  checkpoint: { every: number; keepLast: number; keepBest: boolean };
  precision: 'f32' | 'f16-mixed' | 'f64';
  lossScale: { initial: number; growthInterval: number };
  activationCheckpointing: boolean;
  seed: number;
  log: { every: number; progress: 'auto' | 'bar' | 'lines' | 'none' };
  device: { backend: 'cpu' | 'webgpu'; peakFlops: number | 'measure' | null };
  resume: boolean;
}

/** The defaults, each with why. */
export const TRAIN_DEFAULTS = {
  data: {
    // random windows see every part of the corpus from the first step (nanoGPT); sequential is
    // llm.c's order and visits each token exactly once per epoch
    order: 'random',
    // off: packing across document boundaries wastes no tokens, and the end-of-text token already
    // tells the model a new document starts
    alignDocuments: false,
  },
  // 12 rows: nanoGPT's CPU "baby GPT" batch, a step of a few hundred ms on a laptop CPU
  batchSize: 12,
  // 1: accumulate only when the batch you want does not fit in memory
  gradAccumSteps: 1,
  optimizer: {
    // 6e-4: GPT-3 small's and nanoGPT's peak rate for ~100M-parameter models; raise it for tiny ones
    lr: 6e-4,
    // β2 0.95 (not torch's 0.999): large-batch LM training (GPT-3, nanoGPT) is more stable with a
    // shorter second-moment memory
    betas: [0.9, 0.95] as [number, number],
    eps: 1e-8,
    // 0.1 on matrices only (embeddings, linear weights), never on biases and norm gains
    weightDecay: 0.1,
  },
  schedule: {
    // cosine to minLr = lr/10 (Chinchilla, nanoGPT): a smooth decay that ends at a useful rate
    type: 'cosine',
    // warmup = 2% of the steps, at least 1: Adam's early moment estimates are noisy
    warmupFraction: 0.02,
    minLrRatio: 0.1,
    // WSD: decay over the last 20% (MiniCPM's recipe)
    decayFraction: 0.2,
    decayShape: 'linear',
  },
  // 1.0: GPT-2/3 and nanoGPT clip the global norm at 1, which tames rare loss spikes
  clipGradNorm: 1.0,
  eval: {
    // 20 evaluations over a run: a curve with enough points, at a small cost
    everyFraction: 0.05,
    // 20 fixed batches: the same windows each time, so the curve is not sampling noise
    batches: 20,
  },
  checkpoint: {
    // keep 2: the newest and one before it, in case the newest is from a run that diverged
    keepLast: 2,
    // the best validation checkpoint is usually the one to ship
    keepBest: true,
  },
  // f32: exact on every backend; f16-mixed halves activation memory where the backend has f16
  precision: 'f32',
  lossScale: {
    // 2^16 and a doubling every 2,000 clean steps: torch.cuda.amp.GradScaler's defaults
    initial: 65536,
    growthInterval: 2000,
  },
  // off: it costs one extra forward pass per step; turn it on when activations do not fit
  activationCheckpointing: false,
  // 1337: nanoGPT's seed
  seed: 1337,
  log: {
    // a metrics line every 10 steps: a smooth curve, a small file
    every: 10,
    progress: 'auto',
  },
  device: { backend: 'cpu', peakFlops: 'measure' },
} as const;

const OP = 'train';

function list(where: string, v: unknown): string[] {
  if (v === undefined) return [];
  const arr = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(arr) || arr.some((x) => typeof x !== 'string' || x === '')) {
    configError(OP, where, 'a path, a glob, or a list of them', v);
  }
  return arr as string[];
}

function resolveMix(v: unknown): { train: string[]; weight: number }[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) configError(OP, 'data.mix', 'a list of { train, weight }', v);
  const out = v.map((m: unknown, i) => {
    checkKeys(OP, `data.mix[${i}]`, m, ['train', 'weight']);
    const { train, weight } = m as { train?: unknown; weight?: unknown };
    const shards = list(`data.mix[${i}].train`, train);
    if (shards.length === 0)
      configError(OP, `data.mix[${i}].train`, 'a path, a glob, or a list of them', train);
    const w = checkNumber(OP, `data.mix[${i}].weight`, weight, { min: 0 });
    if (w <= 0 || w >= 1) configError(OP, `data.mix[${i}].weight`, 'a fraction of the batch in (0, 1)', w);
    return { train: shards, weight: w };
  });
  const total = out.reduce((s, m) => s + m.weight, 0);
  if (total >= 1) {
    configError(OP, 'data.mix', 'weights summing to less than 1 (the main data takes the rest)', total);
  }
  return out;
}

function resolveModel(spec: unknown, seqLen: number | undefined): ModelConfig {
  checkKeys(OP, 'model', spec, [
    'preset',
    ...Object.keys(presets.gpt2),
    'nKvHead',
    'headDim',
    'ffnHidden',
    'normEps',
    'ropeTheta',
    'dropout',
    'initStd',
  ]);
  const { preset, ...rest } = spec as ModelSpec & { preset?: PresetName };
  let base: Partial<ModelConfigInput> = {};
  if (preset !== undefined) {
    base = { ...presets[checkOneOf(OP, 'model.preset', preset, Object.keys(presets) as PresetName[])] };
  }
  const merged = { ...base, ...rest } as ModelConfigInput;
  merged.contextLength ??= seqLen as number;
  // a preset's vocabulary is a placeholder: without an explicit model.vocabSize, the dataset's is used
  const vocabFromData = rest.vocabSize === undefined;
  try {
    const c = resolveConfig({ ...merged, vocabSize: merged.vocabSize ?? 1 });
    return vocabFromData ? { ...c, vocabSize: 0 } : c;
  } catch (cause) {
    const e = cause as TrainerConfigError;
    throw new TrainerConfigError({
      operation: OP,
      where: `model.${e.where ?? ''}`,
      expected: e.expected,
      found: e.found,
      hint: e.hint ?? 'see ModelConfig in @llmforge/transformer',
      cause,
    });
  }
}

/**
 * Fills the defaults and checks every field that can be checked without the data.
 *
 * @example
 * ```ts
 * const c = resolveTrainConfig({ outDir: 'runs/a', data: { dir: 'data/austen' }, model: { preset: 'tiny-gpt' }, steps: 1000 });
 * c.schedule.warmupSteps; // 20 (2% of the steps)
 * ```
 */
export function resolveTrainConfig(config: TrainConfig): ResolvedTrainConfig {
  checkKeys(OP, '', config, [
    'outDir',
    'data',
    'model',
    'steps',
    'seqLen',
    'batchSize',
    'gradAccumSteps',
    'optimizer',
    'schedule',
    'clipGradNorm',
    'eval',
    'checkpoint',
    'precision',
    'lossScale',
    'activationCheckpointing',
    'seed',
    'log',
    'device',
    'resume',
  ]);
  const D = TRAIN_DEFAULTS;
  const outDir = checkString(OP, 'outDir', config.outDir);
  checkKeys(OP, 'data', config.data, ['dir', 'train', 'val', 'tokenizer', 'order', 'alignDocuments', 'mix']);
  const d = config.data;
  const train = list('data.train', d.train);
  const val = list('data.val', d.val);
  if ((d.dir === undefined) === (train.length === 0)) {
    configError(
      OP,
      'data',
      'either data.dir (a prepared dataset) or data.train (shard files)',
      d,
      'not both',
    );
  }
  const steps = checkNumber(OP, 'steps', config.steps, { min: 1, integer: true });
  if (config.model === undefined) configError(OP, 'model', 'a model config or { preset }', undefined);
  const seqLenIn =
    config.seqLen === undefined
      ? undefined
      : checkNumber(OP, 'seqLen', config.seqLen, { min: 1, integer: true });
  const model = resolveModel(config.model, seqLenIn);
  const seqLen = seqLenIn ?? model.contextLength;
  if (seqLen > model.contextLength) {
    configError(
      OP,
      'seqLen',
      `at most the model's contextLength (${model.contextLength})`,
      seqLen,
      'shorten seqLen or raise model.contextLength (learned positions are sized by it)',
    );
  }
  const o = config.optimizer ?? {};
  checkKeys(OP, 'optimizer', o, ['lr', 'betas', 'eps', 'weightDecay']);
  const lr = checkNumber(OP, 'optimizer.lr', o.lr ?? D.optimizer.lr, { min: 0, max: 10, minExclusive: true });
  const betas = o.betas ?? D.optimizer.betas;
  if (!Array.isArray(betas) || betas.length !== 2)
    configError(OP, 'optimizer.betas', '[beta1, beta2]', betas);
  checkNumber(OP, 'optimizer.betas[0]', betas[0], { min: 0, max: 1 });
  checkNumber(OP, 'optimizer.betas[1]', betas[1], { min: 0, max: 1 });
  const s = config.schedule ?? {};
  checkKeys(OP, 'schedule', s, ['type', 'warmupSteps', 'minLr', 'decaySteps', 'decayShape']);
  const type = checkOneOf(OP, 'schedule.type', s.type ?? D.schedule.type, [
    'cosine',
    'linear',
    'wsd',
    'constant',
  ]);
  const warmupSteps = checkNumber(
    OP,
    'schedule.warmupSteps',
    s.warmupSteps ?? Math.max(1, Math.round(steps * D.schedule.warmupFraction)),
    { min: 0, max: steps, integer: true, hint: 'warmup counts towards steps' },
  );
  const decaySteps = checkNumber(
    OP,
    'schedule.decaySteps',
    s.decaySteps ?? Math.min(Math.round(steps * D.schedule.decayFraction), steps - warmupSteps),
    { min: 0, max: steps - warmupSteps, integer: true, hint: 'warmup + decay must fit in steps' },
  );
  const e = config.eval ?? {};
  checkKeys(OP, 'eval', e, ['every', 'batches', 'batchSize']);
  const batchSize = checkNumber(OP, 'batchSize', config.batchSize ?? D.batchSize, { min: 1, integer: true });
  const mix = resolveMix(d.mix);
  if (mix.length > 0) {
    const weights = [1 - mix.reduce((s, m) => s + m.weight, 0), ...mix.map((m) => m.weight)];
    const rows = mixRows(weights, batchSize);
    if (rows.some((r) => r < 1)) {
      configError(
        OP,
        'data.mix',
        `weights giving every source (the main data first) at least one of the batch's ${batchSize} rows`,
        `rows ${rows.join(', ')} for weights ${weights.map((w) => w.toFixed(3)).join(', ')}`,
        'raise batchSize or the smallest weight',
      );
    }
  }
  const evalEvery = checkNumber(
    OP,
    'eval.every',
    e.every ?? Math.max(1, Math.round(steps * D.eval.everyFraction)),
    {
      min: 0,
      integer: true,
    },
  );
  const k = config.checkpoint ?? {};
  checkKeys(OP, 'checkpoint', k, ['every', 'keepLast', 'keepBest']);
  const l = config.log ?? {};
  checkKeys(OP, 'log', l, ['every', 'progress']);
  const dev = config.device ?? {};
  checkKeys(OP, 'device', dev, ['backend', 'peakFlops']);
  const peak = dev.peakFlops === undefined ? D.device.peakFlops : dev.peakFlops;
  if (!(peak === null || peak === 'measure'))
    checkNumber(OP, 'device.peakFlops', peak, { min: 0, minExclusive: true });
  const ls = config.lossScale ?? {};
  checkKeys(OP, 'lossScale', ls, ['initial', 'growthInterval']);
  const precision = checkOneOf(OP, 'precision', config.precision ?? D.precision, ['f32', 'f16-mixed', 'f64']);
  const backend = checkOneOf(OP, 'device.backend', dev.backend ?? D.device.backend, ['cpu', 'webgpu']);
  if (precision === 'f64' && backend !== 'cpu') {
    configError(
      OP,
      'precision',
      "'f32' or 'f16-mixed' on webgpu (f64 exists on the CPU backend only)",
      precision,
    );
  }
  const clip = config.clipGradNorm === undefined ? D.clipGradNorm : config.clipGradNorm;
  return {
    outDir,
    data: {
      dir: d.dir === undefined ? null : checkString(OP, 'data.dir', d.dir),
      train,
      val,
      tokenizer: d.tokenizer === undefined ? null : checkString(OP, 'data.tokenizer', d.tokenizer),
      order: checkOneOf(OP, 'data.order', d.order ?? D.data.order, ['random', 'sequential']),
      alignDocuments: checkBoolean(OP, 'data.alignDocuments', d.alignDocuments ?? D.data.alignDocuments),
      mix,
    },
    model,
    steps,
    seqLen,
    batchSize,
    gradAccumSteps: checkNumber(OP, 'gradAccumSteps', config.gradAccumSteps ?? D.gradAccumSteps, {
      min: 1,
      integer: true,
    }),
    optimizer: {
      lr,
      betas: [betas[0], betas[1]],
      eps: checkNumber(OP, 'optimizer.eps', o.eps ?? D.optimizer.eps, { min: 0 }),
      weightDecay: checkNumber(OP, 'optimizer.weightDecay', o.weightDecay ?? D.optimizer.weightDecay, {
        min: 0,
      }),
    },
    schedule: {
      type,
      warmupSteps,
      minLr: checkNumber(OP, 'schedule.minLr', s.minLr ?? lr * D.schedule.minLrRatio, { min: 0, max: lr }),
      decaySteps,
      decayShape: checkOneOf(OP, 'schedule.decayShape', s.decayShape ?? D.schedule.decayShape, [
        'linear',
        'cosine',
        'sqrt',
      ]),
    },
    clipGradNorm:
      clip === null ? null : checkNumber(OP, 'clipGradNorm', clip, { min: 0, minExclusive: true }),
    eval: {
      every: evalEvery,
      batches: checkNumber(OP, 'eval.batches', e.batches ?? D.eval.batches, { min: 1, integer: true }),
      batchSize: checkNumber(OP, 'eval.batchSize', e.batchSize ?? batchSize, { min: 1, integer: true }),
    },
    checkpoint: {
      every: checkNumber(OP, 'checkpoint.every', k.every ?? (evalEvery || steps), { min: 1, integer: true }),
      keepLast: checkNumber(OP, 'checkpoint.keepLast', k.keepLast ?? D.checkpoint.keepLast, {
        min: 1,
        integer: true,
      }),
      keepBest: checkBoolean(OP, 'checkpoint.keepBest', k.keepBest ?? D.checkpoint.keepBest),
    },
    precision,
    lossScale: {
      initial: checkNumber(OP, 'lossScale.initial', ls.initial ?? D.lossScale.initial, { min: 1 }),
      growthInterval: checkNumber(
        OP,
        'lossScale.growthInterval',
        ls.growthInterval ?? D.lossScale.growthInterval,
        {
          min: 1,
          integer: true,
        },
      ),
    },
    activationCheckpointing: checkBoolean(
      OP,
      'activationCheckpointing',
      config.activationCheckpointing ?? D.activationCheckpointing,
    ),
    seed: checkNumber(OP, 'seed', config.seed ?? D.seed, { min: 0, integer: true }),
    log: {
      every: checkNumber(OP, 'log.every', l.every ?? D.log.every, { min: 1, integer: true }),
      progress: checkOneOf(OP, 'log.progress', l.progress ?? D.log.progress, [
        'auto',
        'bar',
        'lines',
        'none',
      ]),
    },
    device: { backend, peakFlops: peak as number | 'measure' | null },
    resume: checkBoolean(OP, 'resume', config.resume ?? false),
  };
}
