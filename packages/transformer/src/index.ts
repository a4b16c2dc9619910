/**
 * @llmforge/transformer — GPT-2 and Llama-family decoder-only transformers from one config, on
 * @llmforge/tensor-gpu (CPU or WebGPU backend), exact against PyTorch.
 *
 * Files in data-flow order: `config.ts` (the config, presets, validation) → `model.ts` (embeddings,
 * blocks, head, loss) → `kv-cache.ts` (incremental decoding) → `log-probs.ts` and `scalar-head.ts`
 * (what SFT/RLHF need) → `hf-config.ts` + `hf-weights.ts` + `pretrained.ts` (Hugging Face
 * checkpoints in and out) → `flops.ts` (parameter, FLOP and MFU accounting).
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
export {
  CheckpointError,
  ConfigError,
  type ErrorDetails,
  ModelInputError,
  TransformerError,
} from './errors.js';
export { countParams, flopsPerToken, mfu } from './flops.js';
export { fromHfConfig, type HfConfig, type HfModelType, hfModelTypeOf, toHfConfig } from './hf-config.js';
export { fromHfTensors, type HostTensor, parameterShapes, toHfTensors } from './hf-weights.js';
export { createKVCache, KVCache, type LayerCache } from './kv-cache.js';
export { logProbsFromLogits, type TokenLogProbsOptions, tokenLogProbs } from './log-probs.js';
export {
  type CreateModelOptions,
  createModel,
  type ForwardBackwardOptions,
  type ForwardOptions,
  type ForwardOutput,
  Model,
  type ModelDType,
  sinusoidalTable,
  type TokenIds,
} from './model.js';
export { ParamNode } from './param-tree.js';
export { type FromPretrainedOptions, fromPretrained, savePretrained } from './pretrained.js';
export { ScalarHead, type ScalarHeadOptions } from './scalar-head.js';
