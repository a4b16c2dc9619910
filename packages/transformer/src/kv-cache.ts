/**
 * The key/value cache for incremental decoding.
 *
 * Decoding without a cache recomputes every earlier position for each new token: O(T²) work per
 * token. With a cache, each block keeps the keys and values (B, nkv, S, hs) of the positions seen so
 * far; the next forward pass only computes the new tokens' q, k, v, appends k and v, and attends over
 * all S positions. Positions continue from the cached length: learned and sinusoidal tables are read
 * at rows S.., RoPE rotates the new q and k by their absolute positions, and the causal mask lines
 * the last query up with the last key.
 *
 *   prefill   forward([[a, b, c]], { kvCache })   cache length 0 → 3, logits for a, b, c
 *   step      forward([[d]], { kvCache })         cache length 3 → 4, logits for d
 *
 * With grouped-query attention the cache holds nkv heads, not nh: the memory saving of GQA.
 * Cached tensors are never modified in place (appending makes a new tensor), so `clone()` shares
 * storage and `select()` can replicate or reorder rows for sampling several continuations from one
 * prefill or for beam search.
 */

import { concat, embedding, keep, type Tensor, tensor, tidy } from '@llmforge/tensor-gpu';
import { ModelInputError } from './errors.js';
import type { Model } from './model.js';

/** One block's cached keys and values, (B, nkv, S, hs) each (null before the first forward). */
export interface LayerCache {
  k: Tensor | null;
  v: Tensor | null;
}

/**
 * A KV cache for one model and batch size. Create it with {@link createKVCache}.
 *
 * @example
 * ```ts
 * const cache = createKVCache(model, 1);
 * let { logits } = model.forward([prompt], { kvCache: cache });   // prefill
 * ({ logits } = model.forward([[nextId]], { kvCache: cache }));     // one token
 * cache.dispose();
 * ```
 */
export class KVCache {
  /** Rows in the batch. */
  readonly batch: number;
  /** The model this cache belongs to. */
  readonly model: Model;
  /** Per block: cached keys and values. */
  readonly layers: LayerCache[];
  private len = 0;

  /** @internal use {@link createKVCache}. */
  constructor(model: Model, batch: number, layers?: LayerCache[], length = 0) {
    this.model = model;
    this.batch = batch;
    this.layers = layers ?? Array.from({ length: model.config.nLayer }, () => ({ k: null, v: null }));
    this.len = length;
  }

  /** Number of positions cached (the position of the next token). */
  get length(): number {
    return this.len;
  }

  /** Positions still free before the model's context length. */
  get remaining(): number {
    return this.model.config.contextLength - this.len;
  }

  /** @internal called by forward before using the cache. */
  check(model: Model, B: number, T: number): void {
    if (model !== this.model) {
      throw new ModelInputError({
        operation: 'forward',
        where: 'kvCache',
        expected: 'a cache created for this model',
        found: 'a cache of another model',
        hint: 'createKVCache(model, batch) for each model',
      });
    }
    if (B !== this.batch) {
      throw new ModelInputError({
        operation: 'forward',
        where: 'kvCache',
        expected: `a batch of ${this.batch} rows (the cache's batch)`,
        found: `${B} rows`,
        hint: 'use cache.select(rows) to change the batch',
      });
    }
    if (this.len + T > model.config.contextLength) {
      throw new ModelInputError({
        operation: 'forward',
        where: 'kvCache',
        expected: `at most ${this.remaining} new tokens (context ${model.config.contextLength}, ${this.len} cached)`,
        found: `${T}`,
        hint: 'start a new cache with the last tokens, or generate fewer tokens',
      });
    }
  }

  /**
   * Appends block `layer`'s new keys and values (B, nkv, T, hs) to what it cached and returns all of
   * them, (B, nkv, S, hs) with S = cached + T (Hugging Face's `Cache.update`). Called by the
   * block's attention inside forward's `tidy`; the cache keeps detached copies.
   *
   * @example
   * ```ts
   * ({ k, v } = cache.update(this.layerIndex, k, v)); // in CausalSelfAttention.forward
   * ```
   */
  update(layer: number, k: Tensor, v: Tensor): { k: Tensor; v: Tensor } {
    const past = this.layers[layer]!;
    if (past.k && past.v) {
      k = concat([past.k, k], 2);
      v = concat([past.v, v], 2);
    }
    this.store(layer, k, v);
    return { k, v };
  }

  /** @internal replaces block i's keys/values (called inside forward's tidy: kept, detached). */
  store(i: number, k: Tensor, v: Tensor): void {
    const layer = this.layers[i]!;
    layer.k?.dispose();
    layer.v?.dispose();
    layer.k = keep(k.detach());
    layer.v = keep(v.detach());
  }

  /** @internal moves the position after a forward pass. */
  advance(T: number): void {
    this.len += T;
  }

  /**
   * An independent cache with the same contents (storage is shared, nothing is copied; appending to
   * one does not change the other).
   *
   * @example
   * ```ts
   * const branch = cache.clone(); // try a continuation without losing the prefix
   * ```
   */
  clone(): KVCache {
    const layers = this.layers.map((l) => ({
      k: l.k ? keep(l.k.reshape(l.k.shape)) : null,
      v: l.v ? keep(l.v.reshape(l.v.shape)) : null,
    }));
    return new KVCache(this.model, this.batch, layers, this.len);
  }

  /**
   * A new cache whose row r is this cache's row `rows[r]`: repeat a prefill for several samples
   * (`select([0, 0, 0])`) or reorder beams (`select(beamParents)`).
   *
   * @example
   * ```ts
   * const four = cache.select([0, 0, 0, 0]); // one prompt, four samples
   * ```
   */
  select(rows: readonly number[]): KVCache {
    for (const r of rows) {
      if (!Number.isInteger(r) || r < 0 || r >= this.batch) {
        throw new ModelInputError({
          operation: 'KVCache.select',
          where: 'rows',
          expected: `row indices in [0, ${this.batch})`,
          found: String(r),
          hint: 'select takes indices of the rows the cache holds (e.g. the beams kept)',
        });
      }
    }
    if (rows.length === 0) {
      throw new ModelInputError({
        operation: 'KVCache.select',
        where: 'rows',
        expected: 'at least one row',
        found: '[]',
        hint: 'dispose the cache instead when no row continues',
      });
    }
    const pick = (t: Tensor | null): Tensor | null => {
      if (!t) return null;
      return keep(
        tidy(() => {
          const [B, ...rest] = t.shape as number[];
          const idx = tensor(Int32Array.from(rows), [rows.length], 'i32', t.backend);
          // gather rows of the (B, nkv·S·hs) matrix: (n, nkv·S·hs) → (n, nkv, S, hs)
          return embedding(t.reshape([B!, rest.reduce((a, b) => a * b, 1)]), idx).reshape([
            rows.length,
            ...rest,
          ]);
        }),
      );
    };
    const layers = this.layers.map((l) => ({ k: pick(l.k), v: pick(l.v) }));
    return new KVCache(this.model, rows.length, layers, this.len);
  }

  /**
   * Concatenates caches of the same length along the batch (e.g. to batch several prompts that were
   * prefilled separately).
   *
   * @example
   * ```ts
   * const both = KVCache.concat([cacheA, cacheB]);
   * ```
   */
  static concat(caches: readonly KVCache[]): KVCache {
    const first = caches[0];
    if (!first || caches.some((c) => c.length !== first.length || c.model !== first.model)) {
      throw new ModelInputError({
        operation: 'KVCache.concat',
        where: 'caches',
        expected: 'at least one cache, all of one model and of equal length',
        found: caches.map((c) => c.length).join(', ') || 'none',
        hint: 'concatenate caches made by createKVCache for the same model after the same number of tokens',
      });
    }
    const layers = first.layers.map((_, i) => {
      const ks = caches.map((c) => c.layers[i]!.k);
      const vs = caches.map((c) => c.layers[i]!.v);
      if (ks.some((k) => !k) || vs.some((v) => !v)) return { k: null, v: null };
      return { k: keep(concat(ks as Tensor[], 0)), v: keep(concat(vs as Tensor[], 0)) };
    });
    return new KVCache(
      first.model,
      caches.reduce((s, c) => s + c.batch, 0),
      layers,
      first.length,
    );
  }

  /** Bytes held by the cached keys and values. */
  bytes(): number {
    const per = this.model.dtype === 'f64' ? 8 : 4;
    let n = 0;
    for (const l of this.layers) n += ((l.k?.size ?? 0) + (l.v?.size ?? 0)) * per;
    return n;
  }

  /** Frees the cached tensors; the cache is empty (length 0) afterwards and can be reused. */
  dispose(): void {
    for (const l of this.layers) {
      l.k?.dispose();
      l.v?.dispose();
      l.k = null;
      l.v = null;
    }
    this.len = 0;
  }
}

/**
 * An empty KV cache for `model` and `batch` rows.
 *
 * @example
 * ```ts
 * const cache = createKVCache(model, 2);
 * model.forward([[1, 2], [3, 4]], { kvCache: cache }).logits; // (2, 2, V)
 * cache.length; // 2
 * ```
 */
export function createKVCache(model: Model, batch: number): KVCache {
  if (!Number.isInteger(batch) || batch <= 0) {
    throw new ModelInputError({
      operation: 'createKVCache',
      where: 'batch',
      expected: 'a positive integer',
      found: String(batch),
      hint: 'the number of sequences decoded together',
    });
  }
  return new KVCache(model, batch);
}
