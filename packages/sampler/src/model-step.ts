/**
 * One forward pass of a decoding step: ids in, the last position's logits (rows, V) out, without
 * recording gradients. With a KV cache the ids are only the new tokens; without one they are the
 * whole sequences (all rows of a step have the same length, so they form one batch).
 */
import { noGrad, type Tensor, tidy, WebGPUBackend } from '@llmforge/tensor-gpu';
import type { KVCache, Model } from '@llmforge/transformer';

/**
 * The last-position logits of `ids` (rows, T) as a (rows, V) tensor; the caller disposes it.
 *
 * @example
 * ```ts
 * const logits = lastLogits(model, [[1, 2, 3]]); // (1, V)
 * ```
 */
export function lastLogits(model: Model, ids: readonly (readonly number[])[], cache?: KVCache): Tensor {
  return noGrad(() =>
    tidy(() => {
      const { logits } = model.forward(ids, { logits: 'last', ...(cache ? { kvCache: cache } : {}) });
      return logits!.reshape([ids.length, model.config.vocabSize]);
    }),
  );
}

/**
 * Reads a (rows, V) logits tensor back as one float64 row per batch row, and disposes it.
 *
 * @example
 * ```ts
 * const [row] = await readRows(lastLogits(model, [[1, 2]])); // Float64Array(V)
 * ```
 */
export async function readRows(logits: Tensor): Promise<Float64Array[]> {
  const [rows, V] = logits.shape as [number, number];
  const data = await logits.data();
  logits.dispose();
  return Array.from({ length: rows }, (_, r) => Float64Array.from(data.subarray(r * V, (r + 1) * V)));
}

/** True when the model runs on tensor-gpu's WebGPU backend. */
export function onWebGPU(model: Model): boolean {
  return model.backend instanceof WebGPUBackend;
}
