/**
 * One configuration for the GPT-2 and Llama families.
 *
 * A GPT-2 is `{ norm: 'layernorm', activation: 'gelu_tanh', positions: 'learned', bias: true,
 * tiedEmbeddings: true }`; a Llama is `{ norm: 'rmsnorm', activation: 'swiglu', positions: 'rope',
 * bias: false, tiedEmbeddings: false, nKvHead < nHead }`. Everything in between (a GPT-2 with RoPE,
 * a Llama with squared ReLU) is the same model with other switches.
 *
 * `resolveConfig` fills every default and rejects configs that cannot work with a `ModelConfigError`
 * naming the field.
 */

import { ModelConfigError } from './errors.js';

/** Normalization before attention, before the MLP and at the end. */
export type NormKind = 'layernorm' | 'rmsnorm';
/**
 * MLP non-linearity: `gelu` (exact, erf; HF `gelu`), `gelu_tanh` (GPT-2's `gelu_new`), `swiglu`
 * (Llama: `down(silu(gate(x)) * up(x))`), `relu2` (squared ReLU, Primer / modded-nanoGPT).
 */
export type Activation = 'gelu' | 'gelu_tanh' | 'swiglu' | 'relu2';
/**
 * How the model knows where a token is: `learned` (a table of `contextLength` vectors added to the
 * token embeddings, GPT-2), `sinusoidal` (the fixed sin/cos table of "Attention is all you need",
 * added likewise), `rope` (rotary embeddings applied to q and k inside attention, Llama).
 */
export type Positions = 'learned' | 'sinusoidal' | 'rope';

export const ACTIVATIONS: readonly Activation[] = ['gelu', 'gelu_tanh', 'swiglu', 'relu2'];
export const NORMS: readonly NormKind[] = ['layernorm', 'rmsnorm'];
export const POSITIONS: readonly Positions[] = ['learned', 'sinusoidal', 'rope'];

/** A complete model configuration (every field set). See {@link resolveConfig} for the defaults. */
export interface ModelConfig {
  /** Number of token ids (V). Required. */
  vocabSize: number;
  /** Longest sequence the model takes (T max); sizes the learned/sinusoidal position table. Required. */
  contextLength: number;
  /** Number of transformer blocks. Required. */
  nLayer: number;
  /** Number of query heads (nh). Required. */
  nHead: number;
  /** Number of key/value heads: = nHead is multi-head, 1 is multi-query, in between grouped-query. Default nHead. */
  nKvHead: number;
  /** Width of the residual stream (C). Required. */
  nEmbd: number;
  /** Width of one head (hs). Default nEmbd / nHead (then nHead must divide nEmbd). */
  headDim: number;
  /** Hidden width of the MLP. Default 4·nEmbd, or for swiglu 8/3·nEmbd rounded up to a multiple of 64 (Llama's rule, same parameter count as 4·nEmbd without the gate). */
  ffnHidden: number;
  /** Normalization kind. Default 'layernorm'. */
  norm: NormKind;
  /** Epsilon inside the norm's square root. Default 1e-5 (GPT-2's and Llama's). */
  normEps: number;
  /** MLP activation. Default 'gelu_tanh' (GPT-2). */
  activation: Activation;
  /** Position encoding. Default 'learned' (GPT-2). */
  positions: Positions;
  /** RoPE base frequency θ (only with positions 'rope'). Default 10000. */
  ropeTheta: number;
  /** Share the token embedding with the output projection (lm_head). Default true (GPT-2). */
  tiedEmbeddings: boolean;
  /** Biases in every linear layer and in LayerNorm. Default true (GPT-2); Llama has none. */
  bias: boolean;
  /** Dropout probability on embeddings, attention output and MLP output in training. Default 0. */
  dropout: number;
  /** Standard deviation of the normal init of weights (GPT-2: 0.02); residual projections get initStd/sqrt(2·nLayer). Default 0.02. */
  initStd: number;
}

/** What a caller passes: the five sizes are required, everything else has a default. */
export type ModelConfigInput = Pick<
  ModelConfig,
  'vocabSize' | 'contextLength' | 'nLayer' | 'nHead' | 'nEmbd'
> &
  Partial<ModelConfig>;

/**
 * Named configurations.
 *
 * - `gpt2` (124M) and `gpt2-medium` (350M): OpenAI's GPT-2 shapes (HF `gpt2`, `gpt2-medium`).
 * - `llama-small` (135M): a Llama-style model with SmolLM-135M's shapes (30 layers, 576 wide,
 *   9 heads sharing 3 key/value heads, SwiGLU 1536, RoPE, RMSNorm, tied embeddings).
 * - `tiny-gpt` and `tiny-llama`: ~1M-parameter models that train on a CPU in minutes (vocabulary
 *   512, context 128); set `vocabSize` to your tokenizer's.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ ...presets['tiny-llama'], vocabSize: 1000 });
 * ```
 */
export const presets = {
  gpt2: {
    vocabSize: 50257,
    contextLength: 1024,
    nLayer: 12,
    nHead: 12,
    nEmbd: 768,
    norm: 'layernorm',
    activation: 'gelu_tanh',
    positions: 'learned',
    tiedEmbeddings: true,
    bias: true,
  },
  'gpt2-medium': {
    vocabSize: 50257,
    contextLength: 1024,
    nLayer: 24,
    nHead: 16,
    nEmbd: 1024,
    norm: 'layernorm',
    activation: 'gelu_tanh',
    positions: 'learned',
    tiedEmbeddings: true,
    bias: true,
  },
  'llama-small': {
    vocabSize: 49152,
    contextLength: 2048,
    nLayer: 30,
    nHead: 9,
    nKvHead: 3,
    nEmbd: 576,
    ffnHidden: 1536,
    norm: 'rmsnorm',
    activation: 'swiglu',
    positions: 'rope',
    ropeTheta: 10000,
    tiedEmbeddings: true,
    bias: false,
  },
  'tiny-gpt': {
    vocabSize: 512,
    contextLength: 128,
    nLayer: 4,
    nHead: 4,
    nEmbd: 128,
    norm: 'layernorm',
    activation: 'gelu_tanh',
    positions: 'learned',
    tiedEmbeddings: true,
    bias: true,
  },
  'tiny-llama': {
    vocabSize: 512,
    contextLength: 128,
    nLayer: 4,
    nHead: 4,
    nKvHead: 2,
    nEmbd: 128,
    norm: 'rmsnorm',
    activation: 'swiglu',
    positions: 'rope',
    tiedEmbeddings: false,
    bias: false,
  },
} as const satisfies Record<string, ModelConfigInput>;

/** The names of {@link presets}. */
export type PresetName = keyof typeof presets;

function fail(
  field: string,
  expected: string,
  found: unknown,
  hint = 'see ModelConfig for each field and its default, or start from a preset',
): never {
  throw new ModelConfigError({
    operation: 'resolveConfig',
    where: field,
    expected,
    found: typeof found === 'string' ? JSON.stringify(found) : String(found),
    hint,
  });
}

function positiveInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(field, 'a positive integer', value);
  }
  return value;
}

/**
 * Fills the defaults of a config and checks that it can work.
 *
 * Throws {@link ModelConfigError} naming the field when it cannot: a size that is not a positive integer,
 * `nHead` not dividing `nEmbd` (without an explicit `headDim`), `nKvHead` not dividing `nHead`, an
 * unknown norm/activation/positions, dropout outside [0, 1), an odd `headDim` with RoPE.
 *
 * @example
 * ```ts
 * const c = resolveConfig({ vocabSize: 98, contextLength: 32, nLayer: 2, nHead: 4, nEmbd: 48 });
 * c.ffnHidden; // 192
 * c.headDim;   // 12
 * ```
 */
export function resolveConfig(input: ModelConfigInput | ModelConfig): ModelConfig {
  if (typeof input !== 'object' || input === null) fail('config', 'an object', input);
  const vocabSize = positiveInt('vocabSize', input.vocabSize);
  const contextLength = positiveInt('contextLength', input.contextLength);
  const nLayer = positiveInt('nLayer', input.nLayer);
  const nHead = positiveInt('nHead', input.nHead);
  const nEmbd = positiveInt('nEmbd', input.nEmbd);
  const nKvHead = positiveInt('nKvHead', input.nKvHead ?? nHead);
  if (nHead % nKvHead !== 0) {
    fail(
      'nKvHead',
      `a divisor of nHead (${nHead})`,
      nKvHead,
      'each key/value head serves nHead/nKvHead query heads',
    );
  }
  let headDim: number;
  if (input.headDim === undefined) {
    if (nEmbd % nHead !== 0) {
      fail(
        'nHead',
        `a divisor of nEmbd (${nEmbd})`,
        nHead,
        'pick nHead dividing nEmbd, or set headDim explicitly',
      );
    }
    headDim = nEmbd / nHead;
  } else {
    headDim = positiveInt('headDim', input.headDim);
  }
  const norm = input.norm ?? 'layernorm';
  if (!NORMS.includes(norm)) fail('norm', `one of ${NORMS.join(', ')}`, norm);
  const activation = input.activation ?? 'gelu_tanh';
  if (!ACTIVATIONS.includes(activation)) {
    fail('activation', `one of ${ACTIVATIONS.join(', ')}`, activation, "GPT-2's gelu_new is 'gelu_tanh'");
  }
  const positions = input.positions ?? 'learned';
  if (!POSITIONS.includes(positions)) fail('positions', `one of ${POSITIONS.join(', ')}`, positions);
  if (positions === 'rope' && headDim % 2 !== 0) {
    fail('headDim', 'an even head width with rope positions', headDim, 'rope rotates pairs of channels');
  }
  if (positions === 'sinusoidal' && nEmbd % 2 !== 0) {
    fail(
      'nEmbd',
      'an even width with sinusoidal positions',
      nEmbd,
      'the table pairs a sin and a cos channel',
    );
  }
  // Llama's rule: 2/3 of 4·C keeps the parameter count of a plain 4·C MLP despite the third matrix.
  const defaultFfn = activation === 'swiglu' ? Math.ceil((8 * nEmbd) / 3 / 64) * 64 : 4 * nEmbd;
  const ffnHidden = positiveInt('ffnHidden', input.ffnHidden ?? defaultFfn);
  const normEps = input.normEps ?? 1e-5;
  if (typeof normEps !== 'number' || !(normEps > 0)) fail('normEps', 'a positive number', normEps);
  const ropeTheta = input.ropeTheta ?? 10000;
  if (typeof ropeTheta !== 'number' || !(ropeTheta > 0)) fail('ropeTheta', 'a positive number', ropeTheta);
  const dropout = input.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    fail('dropout', 'a number in [0, 1)', dropout);
  const initStd = input.initStd ?? 0.02;
  if (typeof initStd !== 'number' || !(initStd >= 0)) fail('initStd', 'a non-negative number', initStd);
  const tiedEmbeddings = input.tiedEmbeddings ?? true;
  if (typeof tiedEmbeddings !== 'boolean') fail('tiedEmbeddings', 'a boolean', tiedEmbeddings);
  const bias = input.bias ?? true;
  if (typeof bias !== 'boolean') fail('bias', 'a boolean', bias);
  return {
    vocabSize,
    contextLength,
    nLayer,
    nHead,
    nKvHead,
    nEmbd,
    headDim,
    ffnHidden,
    norm,
    normEps,
    activation,
    positions,
    ropeTheta,
    tiedEmbeddings,
    bias,
    dropout,
    initStd,
  };
}
