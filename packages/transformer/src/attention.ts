/**
 * Causal self-attention, with grouped-query heads, rotary positions and a KV cache.
 *
 *   x (B, T, C) ─► q = x·Wqᵀ (B, nh, T, hs)   k = x·Wkᵀ, v = x·Wvᵀ (B, nkv, T, hs)
 *               ─► RoPE: rotate q and k by their absolute positions pos0 .. pos0+T−1
 *               ─► KV cache: k, v ← [cached | new] (B, nkv, S, hs), S = pos0 + T
 *               ─► y = softmax(q·kᵀ / √hs, causal) · v (B, nh, T, hs)
 *               ─► merge the heads (B, T, nh·hs) ─► y·Woᵀ (B, T, C)
 *
 * Grouped-query attention: each of the nkv key/value heads serves nh/nkv query heads (nkv = nh is
 * multi-head, nkv = 1 multi-query); the fused attention kernel reads the shared heads in place.
 * Legend: B batch, T new tokens, S keys (cached + new), C channels, nh query heads, nkv key/value
 * heads, hs head size.
 */

import { attention, Linear, Module, rope, type Tensor } from '@llmforge/tensor-gpu';
import type { ModelConfig } from './config.js';
import type { KVCache } from './kv-cache.js';
import type { LayerOptions } from './layer-options.js';

/**
 * The attention of one block.
 *
 * @example
 * ```ts
 * const attn = model.h.at(0)!.attn;
 * attn.q.weight.shape; // [nHead·headDim, nEmbd]
 * attn.k.weight.shape; // [nKvHead·headDim, nEmbd]
 * ```
 */
export class CausalSelfAttention extends Module {
  /** Query projection, (nh·hs, C). */
  readonly q: Linear;
  /** Key projection, (nkv·hs, C). */
  readonly k: Linear;
  /** Value projection, (nkv·hs, C). */
  readonly v: Linear;
  /** Output projection back into the residual stream, (C, nh·hs). */
  readonly o: Linear;

  /** `layerIndex` names this block's slot in a KV cache. */
  constructor(
    readonly config: ModelConfig,
    readonly layerIndex: number,
    options: LayerOptions,
  ) {
    super();
    const { nEmbd: C, nHead: nh, nKvHead: nkv, headDim: hs, bias } = config;
    this.q = this.registerModule('q', new Linear(C, nh * hs, { ...options.linear, bias }));
    this.k = this.registerModule('k', new Linear(C, nkv * hs, { ...options.linear, bias }));
    this.v = this.registerModule('v', new Linear(C, nkv * hs, { ...options.linear, bias }));
    this.o = this.registerModule('o', new Linear(nh * hs, C, { ...options.residual, bias }));
  }

  /**
   * x (B, T, C) at positions pos0 .. pos0+T−1 → (B, T, C). With a cache, the new keys and values
   * are appended to it and the queries attend over every cached position too.
   */
  forward(x: Tensor, pos0 = 0, cache?: KVCache): Tensor {
    const c = this.config;
    const [B, T] = x.shape as [number, number, number];
    const { nHead: nh, nKvHead: nkv, headDim: hs } = c;
    const heads = (t: Tensor, n: number) => t.reshape([B, T, n, hs]).permute([0, 2, 1, 3]); // (B, n, T, hs)
    let q = heads(this.q.forward(x), nh); // (B, nh, T, hs)
    let k = heads(this.k.forward(x), nkv); // (B, nkv, T, hs)
    let v = heads(this.v.forward(x), nkv); // (B, nkv, T, hs)
    if (c.positions === 'rope') {
      // rotate-half layout, as HF Llama
      q = rope(q, { theta: c.ropeTheta, offset: pos0 });
      k = rope(k, { theta: c.ropeTheta, offset: pos0 });
    }
    if (cache) ({ k, v } = cache.update(this.layerIndex, k, v)); // (B, nkv, S, hs)
    // query t (absolute pos0 + t) sees keys 0 .. pos0 + t: the kernel aligns the last query with the last key
    const y = attention(q, k, v, { causal: true, scale: 1 / Math.sqrt(hs) }); // (B, nh, T, hs)
    const merged = y.permute([0, 2, 1, 3]).reshape([B, T, nh * hs]); // (B, T, nh·hs)
    return this.o.forward(merged); // (B, T, C)
  }
}
