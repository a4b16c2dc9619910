/**
 * A transformer block, pre-norm (GPT-2 and Llama alike): each half reads a normalized copy of the
 * residual stream and adds its output back.
 *
 *   x (B, T, C) ─► x + dropout(attn(norm1(x))) ─► x + dropout(mlp(norm2(x))) (B, T, C)
 *
 * The first residual add and norm2 run as one op (`addLayerNorm` / `addRmsNorm`): one pass writes
 * the stream and its normalized copy.
 */

import {
  type AddNormResult,
  addLayerNorm,
  addRmsNorm,
  Dropout,
  LayerNorm,
  Module,
  type Tensor,
} from '@llmforge/tensor-gpu';
import { CausalSelfAttention } from './attention.js';
import type { ModelConfig } from './config.js';
import type { KVCache } from './kv-cache.js';
import { createNorm, type LayerOptions, type Norm } from './layer-options.js';
import { MLP } from './mlp.js';

/**
 * One of the model's `nLayer` blocks (`model.h`).
 *
 * @example
 * ```ts
 * const block = model.h.at(3)!;
 * block.ln1; block.attn; block.ln2; block.mlp;
 * ```
 */
export class Block extends Module {
  /** Norm before attention. */
  readonly ln1: Norm;
  readonly attn: CausalSelfAttention;
  /** Norm before the MLP. */
  readonly ln2: Norm;
  readonly mlp: MLP;
  /** Dropout on both residual branches (training only). */
  readonly drop: Dropout;

  constructor(config: ModelConfig, layerIndex: number, options: LayerOptions) {
    super();
    this.ln1 = this.registerModule('ln1', createNorm(config, options));
    this.attn = this.registerModule('attn', new CausalSelfAttention(config, layerIndex, options));
    this.ln2 = this.registerModule('ln2', createNorm(config, options));
    this.mlp = this.registerModule('mlp', new MLP(config, options));
    this.drop = this.registerModule('drop', new Dropout(config.dropout, options.dropout));
  }

  /** x (B, T, C) at positions pos0 .. → (B, T, C). */
  forward(x: Tensor, pos0 = 0, cache?: KVCache): Tensor {
    const a = this.drop.forward(this.attn.forward(this.ln1.forward(x), pos0, cache));
    const { sum, y } = addNorm(this.ln2, x, a); // x + a, norm2(x + a)
    return sum.add(this.drop.forward(this.mlp.forward(y)));
  }
}

/** x + r and norm(x + r) in one op, for either kind of norm. */
function addNorm(norm: Norm, x: Tensor, r: Tensor): AddNormResult {
  return norm instanceof LayerNorm
    ? addLayerNorm(x, r, norm.weight, norm.bias, norm.eps)
    : addRmsNorm(x, r, norm.weight, norm.eps);
}
