/**
 * What one pretraining checkpoint holds, so that `--resume` continues bit for bit:
 *
 * ```
 * step-000500/
 *   config.json, model.safetensors      the model, Hugging Face layout (transformers loads the folder)
 *   tokenizer.json, tokenizer_config.json   the tokenizer, when the data has one
 *   optimizer.safetensors               AdamW m and v per parameter (f32), hyper-parameters and step
 *                                        counts in the header metadata
 *   trainer_state.json                  step, tokens seen, the loader position, the dropout stream,
 *                                        the loss scaler, the best validation loss, the resolved config
 *   checkpoint.json                     written by the CheckpointManager
 * ```
 *
 * Configurations Hugging Face has no class for (sinusoidal positions, relu2, ...) and f64 runs are
 * saved with our parameter names instead (`model.safetensors` + `llmforge_model.json`), exactly.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Optimizer, OptimizerState, OptimizerStateMeta, StateTensor } from '@llmforge/tensor-gpu';
import {
  loadSafetensors,
  loadSafetensorsInto,
  saveSafetensors,
  saveTensors,
} from '@llmforge/tensor-gpu/node';
import {
  fromHfTensors,
  type HostTensor,
  hfModelTypeOf,
  type Model,
  type ModelConfig,
} from '@llmforge/transformer';
import { savePretrained } from '@llmforge/transformer/node';
import type { MixedLoaderState } from '../data/mixed-loader.js';
import type { LoaderState } from '../data/token-loader.js';
import { TrainerCheckpointError } from '../errors.js';
import type { LossScalerState } from './mixed-precision.js';
import type { ResolvedTrainConfig } from './train-config.js';

/** Format name of `trainer_state.json`. */
export const TRAINER_STATE_FORMAT = 'llmforge.trainer-state';
/** Its version. */
export const TRAINER_STATE_VERSION = 1;

/** `trainer_state.json`. */
export interface TrainerState {
  format: typeof TRAINER_STATE_FORMAT;
  version: number;
  /** Optimizer steps completed. */
  step: number;
  tokensSeen: number;
  /** Training time so far (for the ETA and tokens/s after a resume). */
  seconds: number;
  /** A token loader's position, or each source's for a `data.mix` run. */
  loader: LoaderState | MixedLoaderState;
  /** The model's dropout stream position. */
  dropout: { seed: number; offset: number };
  lossScaler: LossScalerState | null;
  bestValLoss: number | null;
  config: ResolvedTrainConfig;
}

/**
 * Whether `config` is saved in Hugging Face layout (else in our own names).
 *
 * @example
 * ```ts
 * usesHfLayout(model.config, model.dtype); // true for GPT-2 / Llama configs in f32
 * ```
 */
export function usesHfLayout(config: ModelConfig, dtype: string): boolean {
  if (dtype === 'f64') return false;
  try {
    hfModelTypeOf(config);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a checkpoint's contents into `dir` (a temporary directory the CheckpointManager renames).
 *
 * @example
 * ```ts
 * await manager.save(step, (dir) => writeTrainingCheckpoint(dir, { model, optimizer, state, tokenizerJson }), valLoss);
 * ```
 */
export async function writeTrainingCheckpoint(
  dir: string,
  o: { model: Model; optimizer: Optimizer; state: TrainerState; tokenizerJson: string | null },
): Promise<void> {
  const { model } = o;
  await writeModelWeights(dir, model);
  if (o.tokenizerJson !== null) {
    await writeFile(join(dir, 'tokenizer.json'), o.tokenizerJson);
    // lets transformers' AutoTokenizer.from_pretrained(dir) load tokenizer.json as is
    await writeFile(
      join(dir, 'tokenizer_config.json'),
      `${JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', model_max_length: model.config.contextLength }, null, 2)}\n`,
    );
  }
  await saveOptimizerState(join(dir, 'optimizer.safetensors'), o.optimizer);
  await writeFile(join(dir, 'trainer_state.json'), `${JSON.stringify(o.state, null, 2)}\n`);
}

/**
 * Writes a model's weights into `dir`: Hugging Face layout (`config.json` + `model.safetensors`)
 * when the config has an HF class and the dtype is not f64, else our parameter names
 * (`model.safetensors` + `llmforge_model.json`). {@link loadModelWeights} reads either back exactly.
 *
 * @example
 * ```ts
 * await writeModelWeights(tmpDir, model); // inside CheckpointManager.save(step, (tmpDir) => ...)
 * ```
 */
export async function writeModelWeights(dir: string, model: Model): Promise<void> {
  if (usesHfLayout(model.config, model.dtype)) {
    await savePretrained(model, dir);
  } else {
    await saveTensors(join(dir, 'model.safetensors'), new Map(model.namedParameters()), {
      format: 'llmforge',
    });
    await writeFile(join(dir, 'llmforge_model.json'), `${JSON.stringify(model.config, null, 2)}\n`);
  }
}

/**
 * Writes an optimizer's state (AdamW's moments, step counts, hyper-parameters) to one safetensors
 * file, the hyper-parameters in its header metadata; {@link loadOptimizerState} restores it exactly.
 *
 * @example
 * ```ts
 * await saveOptimizerState(join(dir, 'optimizer.safetensors'), optimizer);
 * ```
 */
export async function saveOptimizerState(file: string, optimizer: Optimizer): Promise<void> {
  const opt = await optimizer.state();
  await saveSafetensors(file, opt.tensors, { optimizer: JSON.stringify(opt.meta) });
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (cause) {
    throw new TrainerCheckpointError({
      operation: 'resume',
      file,
      expected: 'a readable JSON file',
      found: (cause as NodeJS.ErrnoException).code ?? (cause as Error).message,
      hint: 'the checkpoint was not written by @llmforge/trainer',
      cause,
    });
  }
}

/**
 * Reads `trainer_state.json` and checks its format.
 *
 * @example
 * ```ts
 * const { step, loader } = await readTrainerState('runs/a/checkpoints/step-000500');
 * ```
 */
export async function readTrainerState(dir: string): Promise<TrainerState> {
  const file = join(dir, 'trainer_state.json');
  const state = await readJson<TrainerState>(file);
  if (state.format !== TRAINER_STATE_FORMAT || state.version !== TRAINER_STATE_VERSION) {
    throw new TrainerCheckpointError({
      operation: 'resume',
      file,
      expected: `format ${TRAINER_STATE_FORMAT} version ${TRAINER_STATE_VERSION}`,
      found: `format ${String(state.format)} version ${String(state.version)}`,
      hint: 'resume with the @llmforge/trainer version that wrote it',
    });
  }
  return state;
}

/**
 * Loads a checkpoint's weights and optimizer state into an existing model and optimizer (built
 * from the same config), exactly.
 *
 * @example
 * ```ts
 * await loadTrainingCheckpoint(latest.dir, model, optimizer);
 * ```
 */
export async function loadTrainingCheckpoint(dir: string, model: Model, optimizer: Optimizer): Promise<void> {
  await loadModelWeights(dir, model);
  await loadOptimizerState(join(dir, 'optimizer.safetensors'), optimizer);
}

/**
 * Loads the weights {@link writeModelWeights} wrote into `dir` into an existing model built from
 * the same config, exactly.
 *
 * @example
 * ```ts
 * await loadModelWeights(latest.dir, model);
 * ```
 */
export async function loadModelWeights(dir: string, model: Model): Promise<void> {
  const file = join(dir, 'model.safetensors');
  if (usesHfLayout(model.config, model.dtype)) {
    const hf = new Map<string, HostTensor>();
    for (const [name, t] of await loadSafetensors(file))
      hf.set(name, { shape: t.shape, data: t.data as Float32Array });
    const ours = fromHfTensors(hfModelTypeOf(model.config), new Map(model.namedParameters()), hf, file);
    for (const [name, p] of model.namedParameters()) p.assign(ours.get(name)!.data);
  } else {
    await loadSafetensorsInto(file, model);
  }
}

/**
 * Restores an optimizer (built over the same parameters, in the same order) from the file
 * {@link saveOptimizerState} wrote.
 *
 * @example
 * ```ts
 * await loadOptimizerState(join(latest.dir, 'optimizer.safetensors'), optimizer);
 * ```
 */
export async function loadOptimizerState(file: string, optimizer: Optimizer): Promise<void> {
  const opt = await loadSafetensors(file);
  const metaText = opt.metadata.optimizer;
  if (metaText === undefined) {
    throw new TrainerCheckpointError({
      operation: 'resume',
      file,
      expected: 'an "optimizer" entry in the safetensors metadata',
      found: 'none',
    });
  }
  const tensors = new Map<string, StateTensor>();
  for (const [name, t] of opt)
    tensors.set(name, { dtype: 'F32', shape: t.shape, data: t.data as Float32Array });
  const state: OptimizerState = { meta: JSON.parse(metaText) as OptimizerStateMeta, tensors };
  optimizer.loadState(state);
}
