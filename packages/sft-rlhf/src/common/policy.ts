/**
 * Models in and out of the trainers: a checkpoint folder (Hugging Face layout plus
 * `tokenizer.json`, what @llmforge/trainer and every trainer here write) or a model and tokenizer
 * already in memory, checked for what post-training needs:
 *
 * ```
 * 'runs/sft/checkpoints/step-000200'  ─► fromPretrained + loadTokenizer(tokenizer.json) (the /node entries)
 *                                      ─► the chat template's special tokens are single tokens?
 *                                      ─► { model, tokenizer, format: ChatFormat, source }
 * ```
 *
 * Two models that read the same ids (the policy and its reward model, the policy and its
 * reference) must share a tokenizer: {@link checkSameTokenizer} compares their tokenizer.json
 * content and names both files and the first difference when they differ.
 */
import { join } from 'node:path';
import type { Backend } from '@llmforge/tensor-gpu';
import { resolveChatTemplate, type Tokenizer } from '@llmforge/tokenizer';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { createModel, type Model } from '@llmforge/transformer';
import { fromPretrained } from '@llmforge/transformer/node';
import { ChatFormat } from '../chat/chat-format.js';
import { PostTrainingCheckpointError, TokenizerMismatchError } from '../errors.js';

/** A model and its tokenizer, already loaded. */
export interface LoadedModel {
  model: Model;
  tokenizer: Tokenizer;
}

/** Where a trainer gets a model: a checkpoint folder, or a loaded model and tokenizer. */
export type ModelSource = string | LoadedModel;

/** A model ready for post-training. */
export interface Policy {
  model: Model;
  tokenizer: Tokenizer;
  /** The llmforge chat template over the tokenizer. */
  format: ChatFormat;
  /** The tokenizer as tokenizer.json text (written into every checkpoint). */
  tokenizerJson: string;
  /** The folder it came from, or `(in memory)`. */
  source: string;
}

/** The tokenizer file of a source (for messages). */
export function tokenizerFileOf(source: string): string {
  return source === '(in memory)' ? source : join(source, 'tokenizer.json');
}

/**
 * Throws unless every special token of the llmforge chat template is one token of `tokenizer`.
 *
 * @example
 * ```ts
 * checkChatTokens(tokenizer, 'trainSft', 'runs/base/tokenizer.json');
 * ```
 */
export function checkChatTokens(tokenizer: Tokenizer, operation: string, file: string): void {
  const missing = resolveChatTemplate('llmforge').specialTokens.filter(
    (t) => tokenizer.tokenToId(t) === undefined,
  );
  if (missing.length === 0) return;
  throw new PostTrainingCheckpointError({
    operation,
    file,
    expected: "a tokenizer with the llmforge chat template's special tokens",
    found: `no token for ${missing.join(', ')}`,
    hint: "train the tokenizer with specialTokens: ['<|endoftext|>', ...chatSpecialTokens()] (from @llmforge/tokenizer) before pretraining",
  });
}

/**
 * Loads a checkpoint folder (or copies a loaded model), checks its tokenizer, and builds the chat
 * format. The model returned is the caller's to train and dispose.
 *
 * @example
 * ```ts
 * const policy = await loadPolicy('runs/sft/checkpoints/step-000200', { operation: 'trainPpo', backend });
 * policy.format.prompt([{ role: 'user', content: 'What is 2+2?' }]);
 * ```
 */
export async function loadPolicy(
  source: ModelSource,
  o: { operation: string; backend?: Backend },
): Promise<Policy> {
  let model: Model;
  let tokenizer: Tokenizer;
  let where = '(in memory)';
  if (typeof source === 'string') {
    where = source;
    const file = join(source, 'tokenizer.json');
    try {
      tokenizer = await loadTokenizer(file);
    } catch (cause) {
      throw new PostTrainingCheckpointError({
        operation: o.operation,
        file,
        expected: 'the tokenizer.json saved beside the model',
        found: cause instanceof Error ? cause.message : String(cause),
        hint: 'a checkpoint of @llmforge/trainer or of these trainers holds one; copy the tokenizer the model was trained with there',
        cause,
      });
    }
    model = await fromPretrained(source, o.backend ? { backend: o.backend } : {});
  } else {
    // a trainer never changes the caller's model: it trains (and finally frees) its own copy
    model = copyModel(source.model);
    tokenizer = source.tokenizer;
  }
  checkChatTokens(tokenizer, o.operation, tokenizerFileOf(where));
  if (tokenizer.vocabSize > model.config.vocabSize) {
    throw new PostTrainingCheckpointError({
      operation: o.operation,
      file: tokenizerFileOf(where),
      expected: `at most the model's ${model.config.vocabSize} token ids`,
      found: `a tokenizer of ${tokenizer.vocabSize} tokens`,
      hint: 'the tokenizer is not the one this model was trained with',
    });
  }
  return {
    model,
    tokenizer,
    format: new ChatFormat(tokenizer),
    tokenizerJson: JSON.stringify(tokenizer.toJSON()),
    source: where,
  };
}

/**
 * Throws {@link TokenizerMismatchError} unless `other` reads text into the same ids as `policy`.
 *
 * @example
 * ```ts
 * checkSameTokenizer('trainPpo', policy, rewardModel); // names both tokenizer.json files if they differ
 * ```
 */
export function checkSameTokenizer(
  operation: string,
  policy: Pick<Policy, 'tokenizer' | 'tokenizerJson' | 'source'>,
  other: Pick<Policy, 'tokenizer' | 'tokenizerJson' | 'source'>,
): void {
  if (policy.tokenizerJson === other.tokenizerJson) return;
  const a = policy.tokenizer;
  const b = other.tokenizer;
  let difference = 'different tokenizer.json content';
  if (a.vocabSize !== b.vocabSize) difference = `${b.vocabSize} tokens instead of ${a.vocabSize}`;
  else {
    for (let id = 0; id < a.vocabSize; id++) {
      if (a.idToToken(id) !== b.idToToken(id)) {
        difference = `token ${id} is ${JSON.stringify(b.idToToken(id))}, not ${JSON.stringify(a.idToToken(id))}`;
        break;
      }
    }
  }
  throw new TokenizerMismatchError({
    operation,
    file: tokenizerFileOf(other.source),
    expected: `the tokenizer of the policy (${tokenizerFileOf(policy.source)})`,
    found: difference,
    hint: 'train the reward model from the SFT checkpoint (or any model trained with the same tokenizer)',
  });
}

/**
 * A frozen copy of a model (the reference policy of PPO, GRPO and DPO): same config and backend,
 * weights copied on the device, evaluation mode, no gradients.
 *
 * @example
 * ```ts
 * const reference = frozenCopy(policy.model);
 * ```
 */
export function frozenCopy(model: Model): Model {
  return copyModel(model).eval().requireGrad(false);
}

/**
 * A trainable copy of a model: same config and backend, weights copied on the device.
 *
 * @example
 * ```ts
 * const trunk = copyModel(sft.model); // the reward model's trunk, leaving the SFT model as it is
 * ```
 */
export function copyModel(model: Model): Model {
  const copy = createModel(model.config, { backend: model.backend, dtype: model.dtype, init: false });
  copy.loadStateDict(model.stateDict());
  return copy;
}
