/**
 * Evaluation on held-out data: the mean next-token loss over a fixed set of validation batches,
 * and bits per byte (nanochat's definition):
 *
 *   bpb = Σᵢ lossᵢ / (ln 2 · Σᵢ bytes(targetᵢ))   over the targets that are not special tokens
 *
 * where lossᵢ is the cross entropy (nats) of predicting target token i and bytes(t) its UTF-8
 * length (`dataset.json`'s `tokenBytes`). Unlike the loss, bpb does not depend on the tokenizer's
 * vocabulary, so a character-level model and a BPE model can be compared on it.
 *
 * The batches are drawn once from a seed (`fixedBatches`) and reused at every evaluation, so the
 * validation curve moves with the model, not with the sample.
 */

import { type Backend, crossEntropy, noGrad, type Tensor, tensor, tidy } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { type TokenBatch, TokenLoader } from '../data/token-loader.js';

/** What {@link evaluate} returns. */
export interface EvalResult {
  /** Mean cross entropy (nats per token) over every target of every batch. */
  loss: number;
  /** Bits per byte, or null without token byte lengths. */
  bpb: number | null;
  /** Targets scored. */
  tokens: number;
}

/**
 * `count` batches of random windows drawn with their own seed (the same ones on every call).
 *
 * @example
 * ```ts
 * const val = fixedBatches(dataset.val, { count: 200, batchSize: 12, seqLen: 64, seed: 1337 });
 * ```
 */
export function fixedBatches(
  shards: readonly string[],
  o: { count: number; batchSize: number; seqLen: number; seed: number; alignTo?: number },
): TokenBatch[] {
  const loader = TokenLoader.open(shards, {
    batchSize: o.batchSize,
    seqLen: o.seqLen,
    mode: 'random',
    seed: o.seed,
    ...(o.alignTo === undefined ? {} : { alignTo: o.alignTo }),
  });
  try {
    return Array.from({ length: o.count }, () => loader.next());
  } finally {
    loader.close();
  }
}

/**
 * Per-target losses (B·T) of one batch, without a graph.
 *
 * @example
 * ```ts
 * const perToken = await targetLosses(model, batch, backend); // Float32Array(B·T) of nats
 * ```
 */
export async function targetLosses(
  model: Model,
  batch: TokenBatch,
  backend: Backend,
): Promise<Float32Array | Float64Array> {
  const { batchSize: B, seqLen: T } = batch;
  const per = noGrad(() =>
    tidy((): Tensor => {
      const ids = tensor(batch.inputs, [B, T], 'i32', backend);
      const { logits } = model.forward(ids);
      const V = logits!.shape[2]!;
      const l = logits!.reshape([B * T, V]);
      const y = tensor(batch.targets, [B * T], 'i32', backend);
      return crossEntropy(l.dtype === 'f16' ? l.cast('f32') : l, y, { reduction: 'none' });
    }),
  );
  try {
    return (await per.data()) as Float32Array | Float64Array;
  } finally {
    per.dispose();
  }
}

/**
 * Mean loss and bits per byte of `model` on `batches` (the model is put in eval mode and back).
 *
 * @example
 * ```ts
 * const { loss, bpb } = await evaluate(model, valBatches, manifest.tokenBytes);
 * ```
 */
export async function evaluate(
  model: Model,
  batches: readonly TokenBatch[],
  tokenBytes: readonly number[] | null,
): Promise<EvalResult> {
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  let tokens = 0;
  let bitsNats = 0;
  let bytes = 0;
  try {
    for (const batch of batches) {
      const losses = await targetLosses(model, batch, model.backend);
      for (let i = 0; i < losses.length; i++) {
        const l = losses[i]!;
        sum += l;
        if (tokenBytes) {
          const b = tokenBytes[batch.targets[i]!] ?? 0;
          if (b > 0) {
            bitsNats += l;
            bytes += b;
          }
        }
      }
      tokens += losses.length;
    }
  } finally {
    if (wasTraining) model.train();
  }
  return {
    loss: sum / tokens,
    bpb: tokenBytes && bytes > 0 ? bitsNats / (Math.LN2 * bytes) : null,
    tokens,
  };
}
