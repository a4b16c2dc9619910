/**
 * Loading a checkpoint directory (Hugging Face layout: `config.json`, `model.safetensors`, and the
 * `tokenizer.json` every demo checkpoint carries) into a model and its tokenizer, with one clear
 * error naming the directory when something is missing or corrupt.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LlmforgeError } from '@llmforge/errors';
import type { Backend } from '@llmforge/tensor-gpu';
import type { Tokenizer } from '@llmforge/tokenizer';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import type { Model } from '@llmforge/transformer';
import { fromPretrained } from '@llmforge/transformer/node';
import { DemoInputError } from './errors.js';

/** A loaded checkpoint. */
export interface LoadedCheckpoint {
  dir: string;
  model: Model;
  tokenizer: Tokenizer;
}

/**
 * Loads `dir` onto `backend`; `rerun` says how to make the checkpoint again.
 *
 * @example
 * ```ts
 * const { model, tokenizer } = await loadCheckpoint('runs/default/sft/checkpoint', cpu, 'llmforge-demo sft');
 * ```
 */
export async function loadCheckpoint(
  dir: string,
  backend: Backend,
  rerun: string,
): Promise<LoadedCheckpoint> {
  const fail = (file: string, found: string, cause?: unknown): never => {
    throw new DemoInputError({
      operation: 'load checkpoint',
      file,
      expected: 'a checkpoint folder (config.json, model.safetensors, tokenizer.json)',
      found,
      hint: `${rerun} writes it again`,
      ...(cause === undefined ? {} : { cause }),
    });
  };
  if (!existsSync(dir)) fail(dir, 'no such folder');
  const tokenizerFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) fail(tokenizerFile, 'no tokenizer.json in it');
  let tokenizer: Tokenizer;
  try {
    tokenizer = await loadTokenizer(tokenizerFile);
  } catch (cause) {
    return fail(tokenizerFile, LlmforgeError.isInstance(cause) ? cause.message : String(cause), cause);
  }
  let model: Model;
  try {
    model = await fromPretrained(dir, { backend });
  } catch (cause) {
    const e = cause as LlmforgeError;
    return fail(
      e.file ?? dir,
      LlmforgeError.isInstance(cause) ? `${e.expected} not met: ${e.found}` : String(cause),
      cause,
    );
  }
  if (model.config.vocabSize < tokenizer.vocabSize) {
    model.dispose();
    fail(dir, `a model with ${model.config.vocabSize} token ids for a tokenizer of ${tokenizer.vocabSize}`);
  }
  return { dir, model, tokenizer };
}
