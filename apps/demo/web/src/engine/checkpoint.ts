/**
 * A Hugging Face–layout checkpoint as bytes, both ways: `config.json` + `model.safetensors` ⇄ a
 * {@link Model}, and `tokenizer.json` ⇄ a {@link Tokenizer}. The page has no file system: files
 * come from a file picker, a drop or `fetch`, and go out as downloads.
 *
 *   config.json ─► fromHfConfig ─► createModel (no init)                          ┐
 *   model.safetensors ─► decodeSafetensors ─► fromHfTensors (HF names, layouts) ─► loadStateDict
 *
 * The same steps as @llmforge/transformer's `fromPretrained` / `savePretrained`, which read and
 * write directories in Node; what this module writes loads there unchanged (the page's end-to-end
 * test checks it).
 */
import { type Backend, decodeSafetensors, encodeSafetensors } from '@llmforge/tensor-gpu';
import { Tokenizer } from '@llmforge/tokenizer';
import {
  createModel,
  fromHfConfig,
  fromHfTensors,
  type HostTensor,
  hfModelTypeOf,
  type Model,
  toHfConfig,
  toHfTensors,
} from '@llmforge/transformer';
import { CheckpointFilesError } from '../errors.js';

/** The three files of a checkpoint, as the page holds them. */
export interface CheckpointBytes {
  /** `config.json` text. */
  config: string;
  /** `model.safetensors` bytes. */
  weights: Uint8Array;
  /** `tokenizer.json` text. */
  tokenizer: string;
}

function parseJson(text: string, file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    throw new TypeError(`a JSON ${Array.isArray(value) ? 'array' : typeof value}`);
  } catch (cause) {
    throw new CheckpointFilesError({
      operation: 'load checkpoint',
      file,
      expected: 'a JSON object',
      found: (cause as Error).message,
      cause,
    });
  }
}

/**
 * A model from `config.json` text and `model.safetensors` bytes (GPT-2 or Llama family), in eval mode.
 *
 * @example
 * ```ts
 * const model = modelFromBytes(await configFile.text(), new Uint8Array(await weightsFile.arrayBuffer()), backend);
 * ```
 */
export function modelFromBytes(config: string, weights: Uint8Array, backend?: Backend): Model {
  const { modelType, config: c } = fromHfConfig(parseJson(config, 'config.json'), 'config.json');
  const hf = new Map<string, HostTensor>();
  for (const [name, t] of decodeSafetensors(weights, { file: 'model.safetensors' })) {
    if (!(t.data instanceof Float32Array)) {
      throw new CheckpointFilesError({
        operation: 'load checkpoint',
        file: 'model.safetensors',
        where: name,
        expected: 'a floating-point tensor (F32, F16, BF16, F64)',
        found: t.dtype,
      });
    }
    hf.set(name, { shape: t.shape, data: t.data });
  }
  const model = createModel(c, { ...(backend ? { backend } : {}), init: false });
  model.loadStateDict(fromHfTensors(modelType, model.stateDict(), hf, 'model.safetensors'));
  return model.eval();
}

/**
 * `config.json` text and `model.safetensors` bytes of a model (float32, HF names and layouts,
 * tensors sorted by name, `{"format": "pt"}`): what `savePretrained` writes.
 *
 * @example
 * ```ts
 * const { config, weights } = await modelToBytes(model);
 * ```
 */
export async function modelToBytes(model: Model): Promise<{ config: string; weights: Uint8Array }> {
  const modelType = hfModelTypeOf(model.config);
  const ours = new Map<string, HostTensor>();
  for (const [name, p] of model.namedParameters()) {
    const data = await p.data();
    ours.set(name, {
      shape: [...p.shape],
      data: data instanceof Float32Array ? data : Float32Array.from(data),
    });
  }
  const hf = [...toHfTensors(modelType, ours)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const weights = encodeSafetensors(
    new Map(hf.map(([name, t]) => [name, { dtype: 'F32' as const, shape: t.shape, data: t.data }])),
    { format: 'pt' },
  );
  return { config: `${JSON.stringify(toHfConfig(model.config), null, 2)}\n`, weights };
}

/**
 * A tokenizer from `tokenizer.json` text.
 *
 * @example
 * ```ts
 * const tokenizer = tokenizerFromText(await file.text());
 * ```
 */
export function tokenizerFromText(text: string): Tokenizer {
  return Tokenizer.fromJSON(parseJson(text, 'tokenizer.json'));
}

/** `tokenizer.json` text of a tokenizer (loads in Hugging Face `tokenizers`). */
export function tokenizerToText(tokenizer: Tokenizer): string {
  return `${JSON.stringify(tokenizer.toJSON(), null, 2)}\n`;
}

/**
 * Checks that a tokenizer and a model belong together: every id the tokenizer can produce must be
 * below the model's vocabulary size.
 */
export function checkPair(tokenizer: Tokenizer, vocabSize: number): void {
  if (tokenizer.vocabSize > vocabSize) {
    throw new CheckpointFilesError({
      operation: 'load checkpoint',
      file: 'tokenizer.json',
      expected: `at most ${vocabSize} ids (config.json's vocab_size)`,
      found: `${tokenizer.vocabSize} ids`,
      hint: 'the tokenizer is not the one this model was trained with',
    });
  }
}
