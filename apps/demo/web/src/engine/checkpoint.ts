/**
 * A Hugging Face–layout checkpoint as bytes, both ways: `config.json` + `model.safetensors` ⇄ a
 * {@link Model}, and `tokenizer.json` ⇄ a {@link Tokenizer}. The page has no file system: files
 * come from a file picker, a drop or `fetch`, and go out as downloads.
 *
 *   config.json + model.safetensors ─► transformer's fromPretrained(files) ─► Model (eval mode)
 *   Model ─► transformer's encodePretrained ─► config.json + model.safetensors
 *
 * These are @llmforge/transformer's own loaders (its browser entry), the ones its Node entry's
 * `fromPretrained(dir)` / `savePretrained` use for directories, so what the page writes loads there
 * unchanged (the page's end-to-end test checks it).
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { Tokenizer } from '@llmforge/tokenizer';
import { CHECKPOINT_FILES, encodePretrained, fromPretrained, type Model } from '@llmforge/transformer';
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
 * A model from `config.json` text and `model.safetensors` bytes (GPT-2 or Llama family), in eval
 * mode. A bad file raises transformer's `CheckpointError` naming the file and the field or tensor.
 *
 * @example
 * ```ts
 * const model = await modelFromBytes(await configFile.text(), new Uint8Array(await weightsFile.arrayBuffer()), backend);
 * ```
 */
export function modelFromBytes(config: string, weights: Uint8Array, backend?: Backend): Promise<Model> {
  const files = new Map([
    [CHECKPOINT_FILES.config, new TextEncoder().encode(config)],
    [CHECKPOINT_FILES.weights, weights],
  ]);
  return fromPretrained(files, backend ? { backend } : {});
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
  const files = await encodePretrained(model);
  return {
    config: new TextDecoder().decode(files.get(CHECKPOINT_FILES.config)),
    weights: files.get(CHECKPOINT_FILES.weights)!,
  };
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
