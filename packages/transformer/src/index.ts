/**
 * @llmforge/transformer — GPT-2 and Llama-family decoder-only transformers from one config, on
 * @llmforge/tensor-gpu (CPU or WebGPU backend), exact against PyTorch.
 *
 * Files in data-flow order: `config.ts` (the config, presets, validation) → `model.ts` (embeddings,
 * blocks, head, loss; start here) built from `block.ts`, `attention.ts`, `mlp.ts` and
 * `layer-options.ts` (GPT-2 init) → `checkpointing.ts` → `kv-cache.ts` (incremental decoding) →
 * `log-probs.ts` and `scalar-head.ts` (what SFT/RLHF need) → `hf-config.ts` + `hf-weights.ts` +
 * `pretrained.ts` (Hugging Face checkpoints in and out) → `flops.ts` (parameter, FLOP and MFU
 * accounting).
 *
 * @example
 * ```ts
 * import { createModel, presets } from '@llmforge/transformer';
 * const model = createModel({ ...presets['tiny-gpt'], vocabSize: 100 }, { seed: 0 });
 * const { loss } = model.forward([[1, 2, 3, 4]], { labels: [[1, 2, 3, 4]] });
 * loss!.backward();
 * ```
 */

export {
  ACTIVATIONS,
  type Activation,
  type ModelConfig,
  type ModelConfigInput,
  NORMS,
  type NormKind,
  POSITIONS,
  type Positions,
  type PresetName,
  presets,
  resolveConfig,
} from './config.js';
export { CausalSelfAttention } from './attention.js';
export { Block } from './block.js';
export { checkpointedForwardBackward } from './checkpointing.js';
export {
  CheckpointError,
  type ErrorDetails,
  ModelConfigError,
  ModelInputError,
  TransformerError,
} from './errors.js';
export { countParams, flopsPerToken, mfu } from './flops.js';
export { fromHfConfig, type HfConfig, type HfModelType, hfModelTypeOf, toHfConfig } from './hf-config.js';
export {
  fromHfTensors,
  HF_NAME_RULES,
  type HfLocation,
  type HfNameRule,
  type HostTensor,
  hfLocation,
  toHfTensors,
  transpose2d,
} from './hf-weights.js';
export { type TokenIds, toIdsTensor } from './inputs.js';
export { createKVCache, KVCache, type LayerCache } from './kv-cache.js';
export {
  createNorm,
  type LayerOptions,
  type LayerOptionsInput,
  layerOptions,
  type ModelDType,
  type Norm,
} from './layer-options.js';
export { logProbsFromLogits, type TokenLogProbsOptions, tokenLogProbs } from './log-probs.js';
export { MLP } from './mlp.js';
export {
  type CreateModelOptions,
  createModel,
  type ForwardBackwardOptions,
  type ForwardOptions,
  type ForwardOutput,
  type LogitsWanted,
  Model,
  sinusoidalTable,
} from './model.js';
// (checkpoint directories on disk, fromPretrained(dir) and savePretrained, are in /node)
export {
  CHECKPOINT_FILES,
  type CheckpointFiles,
  type CheckpointSource,
  type CheckpointStore,
  checkpointStore,
  encodePretrained,
  type FromPretrainedOptions,
  fromPretrained,
  hfCheckpointTensors,
  hfConfigText,
} from './pretrained.js';
export { ScalarHead, type ScalarHeadOptions } from './scalar-head.js';
