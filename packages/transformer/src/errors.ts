/**
 * Typed errors of @llmforge/transformer.
 *
 * Every message names the operation, what was expected, what was found and a hint, e.g.
 * `createModel: config.nHead: expected a divisor of nEmbd (64), found 5; hint: ...`.
 * Every class extends `LlmforgeError` (@llmforge/errors), whose `isInstance` works even when two copies
 * of this package are installed (where `instanceof` would fail).
 */

import { type ErrorDetails, LlmforgeError } from '@llmforge/errors';

export type { ErrorDetails };

/** Base class of every error this package throws on purpose. */
export class TransformerError extends LlmforgeError {
  static override readonly errorName: string = 'TransformerError';
}

/**
 * A model configuration that cannot work: heads not dividing the width, kv heads not dividing the
 * heads, an unknown activation, a non-positive size. `where` names the field.
 *
 * @example
 * ```ts
 * try { resolveConfig({ ...presets['tiny-gpt'], nHead: 5 }); }
 * catch (e) { if (ModelConfigError.isInstance(e)) console.error(e.where); } // 'nHead'
 * ```
 */
export class ModelConfigError extends TransformerError {
  static override readonly errorName: string = 'ModelConfigError';
}

/**
 * Inputs a model cannot take: token ids outside the vocabulary, sequences longer than the context
 * (or than what is left in a KV cache), ragged batches, labels of the wrong shape.
 *
 * @example
 * ```ts
 * try { model.forward([[99999]]); }
 * catch (e) { if (ModelInputError.isInstance(e)) console.error(e.message); }
 * ```
 */
export class ModelInputError extends TransformerError {
  static override readonly errorName: string = 'ModelInputError';
}

/**
 * A pretrained checkpoint (HF `config.json` + `model.safetensors`) that cannot be loaded: an
 * unsupported `model_type`, missing or mis-shaped tensors, unexpected extra tensors.
 *
 * @example
 * ```ts
 * try { await fromPretrained('./not-a-model', { backend }); }
 * catch (e) { if (CheckpointError.isInstance(e)) console.error(e.file, e.where); }
 * ```
 */
export class CheckpointError extends TransformerError {
  static override readonly errorName: string = 'CheckpointError';
}
