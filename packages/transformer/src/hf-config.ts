/**
 * Hugging Face `config.json` ⇄ {@link ModelConfig}, for `model_type` `gpt2` (GPT2LMHeadModel) and
 * `llama` (LlamaForCausalLM).
 *
 * GPT-2 `{ n_embd: 48, n_head: 4, n_layer: 2, n_positions: 32, vocab_size: 98,
 * activation_function: 'gelu_new' }` → `{ nEmbd: 48, nHead: 4, nLayer: 2, contextLength: 32,
 * vocabSize: 98, activation: 'gelu_tanh', norm: 'layernorm', positions: 'learned', bias: true }`.
 */

import { type ModelConfig, resolveConfig } from './config.js';
import { CheckpointError } from './errors.js';

/** The checkpoint families `fromPretrained` and `savePretrained` speak. */
export type HfModelType = 'gpt2' | 'llama';

/** A parsed HF `config.json` (only the fields read here are typed). */
export type HfConfig = Record<string, unknown>;

function field(json: HfConfig, name: string, file: string | undefined): number {
  const v = json[name];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new CheckpointError({
      operation: 'fromHfConfig',
      ...(file === undefined ? {} : { file }),
      where: name,
      expected: 'a number',
      found: v === undefined ? 'nothing (field missing)' : JSON.stringify(v),
    });
  }
  return v;
}

function optionalNumber(json: HfConfig, name: string, fallback: number): number {
  const v = json[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function unsupported(where: string, expected: string, found: unknown, file?: string, hint?: string): never {
  throw new CheckpointError({
    operation: 'fromHfConfig',
    ...(file === undefined ? {} : { file }),
    where,
    expected,
    found: JSON.stringify(found),
    ...(hint === undefined ? {} : { hint }),
  });
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
  const modelType = json.model_type;
  if (modelType === 'gpt2') {
    const act = String(json.activation_function ?? 'gelu_new');
    const activation = GPT2_ACTIVATIONS[act];
    if (activation === undefined) {
      unsupported('activation_function', `one of ${Object.keys(GPT2_ACTIVATIONS).join(', ')}`, act, file);
    }
    if (json.scale_attn_weights === false) unsupported('scale_attn_weights', 'true', false, file);
    if (json.scale_attn_by_inverse_layer_idx === true) {
      unsupported('scale_attn_by_inverse_layer_idx', 'false', true, file);
    }
    if (json.add_cross_attention === true) unsupported('add_cross_attention', 'false', true, file);
    const nEmbd = field(json, 'n_embd', file);
    const nInner = json.n_inner;
    const config = resolveConfig({
      vocabSize: field(json, 'vocab_size', file),
      contextLength: field(json, 'n_positions', file),
      nLayer: field(json, 'n_layer', file),
      nHead: field(json, 'n_head', file),
      nEmbd,
      ffnHidden: typeof nInner === 'number' ? nInner : 4 * nEmbd,
      norm: 'layernorm',
      normEps: optionalNumber(json, 'layer_norm_epsilon', 1e-5),
      activation,
      positions: 'learned',
      tiedEmbeddings: json.tie_word_embeddings !== false,
      bias: true,
      dropout: optionalNumber(json, 'resid_pdrop', 0.1),
      initStd: optionalNumber(json, 'initializer_range', 0.02),
    });
    return { modelType, config };
  }
  if (modelType === 'llama') {
    const act = json.hidden_act ?? 'silu';
    if (act !== 'silu') unsupported('hidden_act', '"silu" (SwiGLU)', act, file);
    const attentionBias = json.attention_bias === true;
    const mlpBias = json.mlp_bias === true;
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
    const ropeParams = (json.rope_parameters ?? json.rope_scaling ?? null) as Record<string, unknown> | null;
    const ropeType = ropeParams?.rope_type ?? ropeParams?.type ?? 'default';
    if (ropeType !== 'default') {
      unsupported(
        'rope_parameters.rope_type',
        '"default"',
        ropeType,
        file,
        'RoPE scaling is not implemented',
      );
    }
    const ropeTheta =
      typeof ropeParams?.rope_theta === 'number'
        ? ropeParams.rope_theta
        : optionalNumber(json, 'rope_theta', 10000);
    const nEmbd = field(json, 'hidden_size', file);
    const nHead = field(json, 'num_attention_heads', file);
    const config = resolveConfig({
      vocabSize: field(json, 'vocab_size', file),
      contextLength: field(json, 'max_position_embeddings', file),
      nLayer: field(json, 'num_hidden_layers', file),
      nHead,
      nKvHead: optionalNumber(json, 'num_key_value_heads', nHead),
      nEmbd,
      headDim: optionalNumber(json, 'head_dim', nEmbd / nHead),
      ffnHidden: field(json, 'intermediate_size', file),
      norm: 'rmsnorm',
      normEps: optionalNumber(json, 'rms_norm_eps', 1e-6),
      activation: 'swiglu',
      positions: 'rope',
      ropeTheta,
      tiedEmbeddings: json.tie_word_embeddings === true,
      bias: attentionBias,
      dropout: optionalNumber(json, 'attention_dropout', 0),
      initStd: optionalNumber(json, 'initializer_range', 0.02),
    });
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
