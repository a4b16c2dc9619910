/**
 * Hugging Face `config.json` ⇄ {@link ModelConfig}, for `model_type` `gpt2` (GPT2LMHeadModel) and
 * `llama` (LlamaForCausalLM).
 *
 * GPT-2 `{ n_embd: 48, n_head: 4, n_layer: 2, n_positions: 32, vocab_size: 98,
 * activation_function: 'gelu_new' }` → `{ nEmbd: 48, nHead: 4, nLayer: 2, contextLength: 32,
 * vocabSize: 98, activation: 'gelu_tanh', norm: 'layernorm', positions: 'learned', bias: true }`.
 */

import { type ModelConfig, type ModelConfigInput, resolveConfig } from './config.js';
import { CheckpointError, ModelConfigError } from './errors.js';

/** The checkpoint families `fromPretrained` and `savePretrained` speak. */
export type HfModelType = 'gpt2' | 'llama';

/** A parsed HF `config.json` (only the fields read here are typed). */
export type HfConfig = Record<string, unknown>;

const TRANSFORMERS_HINT = 'compare with the config.json transformers writes (save_pretrained)';

/** The hint for a value of the wrong type: a number in quotes gets told so. */
function typeHint(v: unknown, expected: 'number' | 'boolean' | 'string'): string {
  if (typeof v === 'string' && expected !== 'string') {
    const unquoted = v.trim();
    if (expected === 'number' && unquoted !== '' && Number.isFinite(Number(unquoted))) {
      return `write ${unquoted} without quotes: a JSON number, not a string`;
    }
    if (expected === 'boolean' && (unquoted === 'true' || unquoted === 'false')) {
      return `write ${unquoted} without quotes: a JSON boolean, not a string`;
    }
  }
  return TRANSFORMERS_HINT;
}

function preview(v: unknown): string {
  if (v === undefined) return 'nothing (field missing)';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function wrongType(
  json: HfConfig,
  name: string,
  expected: string,
  kind: 'number' | 'boolean' | 'string',
  file?: string,
): never {
  throw new CheckpointError({
    operation: 'fromHfConfig',
    ...(file === undefined ? {} : { file }),
    where: name,
    expected,
    found: preview(json[name]),
    hint:
      json[name] === undefined
        ? `is this config.json complete? ${TRANSFORMERS_HINT}`
        : typeHint(json[name], kind),
  });
}

/** A required number field. */
function field(json: HfConfig, name: string, file: string | undefined): number {
  const v = json[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) wrongType(json, name, 'a number', 'number', file);
  return v;
}

/** An optional number field: absent or null gives the default, anything but a finite number throws. */
function optionalNumber(json: HfConfig, name: string, fallback: number, file: string | undefined): number {
  const v = json[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    wrongType(json, name, 'a number (or null for the default)', 'number', file);
  }
  return v;
}

/** An optional boolean field (absent or null: the default). */
function optionalBoolean(json: HfConfig, name: string, fallback: boolean, file: string | undefined): boolean {
  const v = json[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean')
    wrongType(json, name, 'true or false (or null for the default)', 'boolean', file);
  return v;
}

/** An optional string field (absent or null: the default). */
function optionalString(json: HfConfig, name: string, fallback: string, file: string | undefined): string {
  const v = json[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') wrongType(json, name, 'a string (or null for the default)', 'string', file);
  return v;
}

function unsupported(where: string, expected: string, found: unknown, file?: string, hint?: string): never {
  throw new CheckpointError({
    operation: 'fromHfConfig',
    ...(file === undefined ? {} : { file }),
    where,
    expected,
    found: preview(found),
    hint: hint ?? 'this package implements the GPT-2 and Llama architectures without variants',
  });
}

/** Our config field → the HF field it comes from, per family (for errors of resolveConfig). */
const HF_FIELD: Record<HfModelType, Partial<Record<keyof ModelConfig, string>>> = {
  gpt2: {
    vocabSize: 'vocab_size',
    contextLength: 'n_positions',
    nLayer: 'n_layer',
    nHead: 'n_head',
    nEmbd: 'n_embd',
    ffnHidden: 'n_inner',
    normEps: 'layer_norm_epsilon',
    dropout: 'resid_pdrop',
    initStd: 'initializer_range',
  },
  llama: {
    vocabSize: 'vocab_size',
    contextLength: 'max_position_embeddings',
    nLayer: 'num_hidden_layers',
    nHead: 'num_attention_heads',
    nKvHead: 'num_key_value_heads',
    nEmbd: 'hidden_size',
    headDim: 'head_dim',
    ffnHidden: 'intermediate_size',
    normEps: 'rms_norm_eps',
    ropeTheta: 'rope_theta',
    dropout: 'attention_dropout',
    initStd: 'initializer_range',
  },
};

/** resolveConfig, its ModelConfigError re-raised as a CheckpointError naming the HF field. */
function resolveHf(modelType: HfModelType, input: ModelConfigInput, file: string | undefined): ModelConfig {
  try {
    return resolveConfig(input);
  } catch (cause) {
    if (!ModelConfigError.isInstance(cause)) throw cause;
    const hfName = HF_FIELD[modelType][cause.where as keyof ModelConfig];
    throw new CheckpointError({
      operation: 'fromHfConfig',
      ...(file === undefined ? {} : { file }),
      where: hfName ?? `${cause.where} (derived)`,
      expected: cause.expected,
      found: cause.found,
      hint: cause.hint ?? TRANSFORMERS_HINT,
      cause,
    });
  }
}

const GPT2_ACTIVATIONS: Record<string, ModelConfig['activation']> = {
  gelu_new: 'gelu_tanh',
  gelu_pytorch_tanh: 'gelu_tanh',
  gelu_fast: 'gelu_tanh',
  gelu: 'gelu',
};

/**
 * Reads an HF `config.json` object into a {@link ModelConfig}. Throws {@link CheckpointError} for
 * an unsupported `model_type` or a feature this package does not implement (RoPE scaling, GPT-2's
 * per-layer attention scaling, ...), naming the field.
 *
 * @example
 * ```ts
 * const { modelType, config } = fromHfConfig(JSON.parse(readFileSync('config.json', 'utf8')));
 * ```
 */
export function fromHfConfig(json: HfConfig, file?: string): { modelType: HfModelType; config: ModelConfig } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CheckpointError({
      operation: 'fromHfConfig',
      ...(file === undefined ? {} : { file }),
      expected: 'a JSON object',
      found: preview(json),
      hint: TRANSFORMERS_HINT,
    });
  }
  const modelType = json.model_type;
  if (modelType === 'gpt2') {
    const act = optionalString(json, 'activation_function', 'gelu_new', file);
    const activation = GPT2_ACTIVATIONS[act];
    if (activation === undefined) {
      unsupported('activation_function', `one of ${Object.keys(GPT2_ACTIVATIONS).join(', ')}`, act, file);
    }
    if (!optionalBoolean(json, 'scale_attn_weights', true, file)) {
      unsupported('scale_attn_weights', 'true', false, file);
    }
    if (optionalBoolean(json, 'scale_attn_by_inverse_layer_idx', false, file)) {
      unsupported('scale_attn_by_inverse_layer_idx', 'false', true, file);
    }
    if (optionalBoolean(json, 'add_cross_attention', false, file)) {
      unsupported('add_cross_attention', 'false', true, file);
    }
    const nEmbd = field(json, 'n_embd', file);
    const config = resolveHf(
      'gpt2',
      {
        vocabSize: field(json, 'vocab_size', file),
        contextLength: field(json, 'n_positions', file),
        nLayer: field(json, 'n_layer', file),
        nHead: field(json, 'n_head', file),
        nEmbd,
        ffnHidden: optionalNumber(json, 'n_inner', 4 * nEmbd, file),
        norm: 'layernorm',
        normEps: optionalNumber(json, 'layer_norm_epsilon', 1e-5, file),
        activation,
        positions: 'learned',
        tiedEmbeddings: optionalBoolean(json, 'tie_word_embeddings', true, file),
        bias: true,
        dropout: optionalNumber(json, 'resid_pdrop', 0.1, file),
        initStd: optionalNumber(json, 'initializer_range', 0.02, file),
      },
      file,
    );
    return { modelType, config };
  }
  if (modelType === 'llama') {
    const act = optionalString(json, 'hidden_act', 'silu', file);
    if (act !== 'silu') unsupported('hidden_act', '"silu" (SwiGLU)', act, file);
    const attentionBias = optionalBoolean(json, 'attention_bias', false, file);
    const mlpBias = optionalBoolean(json, 'mlp_bias', false, file);
    if (attentionBias !== mlpBias) {
      unsupported(
        'mlp_bias',
        `the same as attention_bias (${attentionBias})`,
        mlpBias,
        file,
        'one bias switch covers both',
      );
    }
    // transformers ≥ 5 nests the base frequency in rope_parameters; older files have rope_theta.
    const ropeKey = json.rope_parameters != null ? 'rope_parameters' : 'rope_scaling';
    const ropeParams = json[ropeKey] ?? null;
    if (ropeParams !== null && (typeof ropeParams !== 'object' || Array.isArray(ropeParams))) {
      wrongType(json, ropeKey, 'an object (or null)', 'string', file);
    }
    const rope = (ropeParams ?? {}) as HfConfig;
    const ropeType = optionalString(rope, 'rope_type', optionalString(rope, 'type', 'default', file), file);
    if (ropeType !== 'default') {
      unsupported(
        'rope_parameters.rope_type',
        '"default"',
        ropeType,
        file,
        'RoPE scaling is not implemented',
      );
    }
    const ropeTheta = optionalNumber(
      rope,
      'rope_theta',
      optionalNumber(json, 'rope_theta', 10000, file),
      file,
    );
    const nEmbd = field(json, 'hidden_size', file);
    const nHead = field(json, 'num_attention_heads', file);
    const config = resolveHf(
      'llama',
      {
        vocabSize: field(json, 'vocab_size', file),
        contextLength: field(json, 'max_position_embeddings', file),
        nLayer: field(json, 'num_hidden_layers', file),
        nHead,
        nKvHead: optionalNumber(json, 'num_key_value_heads', nHead, file),
        nEmbd,
        // absent: nEmbd / nHead, which resolveConfig checks (naming num_attention_heads)
        ...(json.head_dim == null ? {} : { headDim: optionalNumber(json, 'head_dim', 0, file) }),
        ffnHidden: field(json, 'intermediate_size', file),
        norm: 'rmsnorm',
        normEps: optionalNumber(json, 'rms_norm_eps', 1e-6, file),
        activation: 'swiglu',
        positions: 'rope',
        ropeTheta,
        tiedEmbeddings: optionalBoolean(json, 'tie_word_embeddings', false, file),
        bias: attentionBias,
        dropout: optionalNumber(json, 'attention_dropout', 0, file),
        initStd: optionalNumber(json, 'initializer_range', 0.02, file),
      },
      file,
    );
    return { modelType, config };
  }
  return unsupported(
    'model_type',
    '"gpt2" or "llama"',
    modelType,
    file,
    'only GPT-2 and Llama checkpoints load',
  );
}

/**
 * Which HF family a config can be saved as, or a {@link CheckpointError} saying why none fits.
 *
 * @example
 * ```ts
 * hfModelTypeOf(resolveConfig(presets['tiny-llama'])); // 'llama'
 * ```
 */
export function hfModelTypeOf(c: ModelConfig): HfModelType {
  const gpt2 =
    c.norm === 'layernorm' &&
    c.positions === 'learned' &&
    c.bias &&
    (c.activation === 'gelu' || c.activation === 'gelu_tanh') &&
    c.nKvHead === c.nHead &&
    c.headDim * c.nHead === c.nEmbd;
  if (gpt2) return 'gpt2';
  if (c.norm === 'rmsnorm' && c.positions === 'rope' && c.activation === 'swiglu') return 'llama';
  throw new CheckpointError({
    operation: 'savePretrained',
    where: 'config',
    expected:
      'a GPT-2 (layernorm, learned positions, bias, gelu/gelu_tanh, nKvHead = nHead) or Llama (rmsnorm, rope, swiglu) config',
    found: `norm ${c.norm}, positions ${c.positions}, activation ${c.activation}, bias ${c.bias}`,
    hint: 'other combinations have no Hugging Face model class; save the parameters with saveSafetensors instead',
  });
}

/**
 * Writes a {@link ModelConfig} as the HF `config.json` object of its family.
 *
 * @example
 * ```ts
 * toHfConfig(resolveConfig(presets.gpt2)).model_type; // 'gpt2'
 * ```
 */
export function toHfConfig(c: ModelConfig): HfConfig {
  const modelType = hfModelTypeOf(c);
  if (modelType === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      activation_function: c.activation === 'gelu' ? 'gelu' : 'gelu_new',
      vocab_size: c.vocabSize,
      n_positions: c.contextLength,
      n_embd: c.nEmbd,
      n_layer: c.nLayer,
      n_head: c.nHead,
      n_inner: c.ffnHidden,
      layer_norm_epsilon: c.normEps,
      resid_pdrop: c.dropout,
      embd_pdrop: c.dropout,
      attn_pdrop: 0,
      initializer_range: c.initStd,
      scale_attn_weights: true,
      scale_attn_by_inverse_layer_idx: false,
      reorder_and_upcast_attn: false,
      tie_word_embeddings: c.tiedEmbeddings,
      // GPT2Config defaults both to 50256 (<|endoftext|>), which transformers flags for smaller vocabularies
      bos_token_id: c.vocabSize > 50256 ? 50256 : null,
      eos_token_id: c.vocabSize > 50256 ? 50256 : null,
      dtype: 'float32',
    };
  }
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_act: 'silu',
    vocab_size: c.vocabSize,
    max_position_embeddings: c.contextLength,
    hidden_size: c.nEmbd,
    intermediate_size: c.ffnHidden,
    num_hidden_layers: c.nLayer,
    num_attention_heads: c.nHead,
    num_key_value_heads: c.nKvHead,
    head_dim: c.headDim,
    rms_norm_eps: c.normEps,
    rope_theta: c.ropeTheta,
    rope_parameters: { rope_theta: c.ropeTheta, rope_type: 'default' },
    attention_bias: c.bias,
    mlp_bias: c.bias,
    attention_dropout: c.dropout,
    initializer_range: c.initStd,
    tie_word_embeddings: c.tiedEmbeddings,
    dtype: 'float32',
  };
}
