/**
 * The MLP of a block: widen to F channels, a non-linearity, back to C.
 *
 *   gelu, gelu_tanh, relu2   x (B, T, C) ─► act(x·Wupᵀ + b) (B, T, F) ─► ·Wdownᵀ + b (B, T, C)
 *   swiglu (Llama)           x (B, T, C) ─► silu(x·Wgateᵀ) ⊙ x·Wupᵀ (B, T, F) ─► ·Wdownᵀ (B, T, C)
 *
 * The activation is fused into the projection before it (`Linear.forward(x, { activation })`).
 *
 * Legend: B batch, T time, C channels (nEmbd), F hidden width (ffnHidden).
 */

import { Linear, Module, type Tensor } from '@llmforge/tensor-gpu';
import type { Activation, ModelConfig } from './config.js';
import type { LayerOptions } from './layer-options.js';

/**
 * The feed-forward half of a block.
 *
 * @example
 * ```ts
 * const mlp = model.h.at(0)!.mlp;
 * mlp.up.weight.shape; // [ffnHidden, nEmbd]
 * mlp.gate;            // a Linear with swiglu, else null
 * ```
 */
export class MLP extends Module {
  /** swiglu's gate projection, (F, C); null for the other activations. */
  readonly gate: Linear | null;
  /** Up projection, (F, C). */
  readonly up: Linear;
  /** Down projection back into the residual stream, (C, F). */
  readonly down: Linear;
  readonly activation: Activation;

  constructor(config: ModelConfig, options: LayerOptions) {
    super();
    const { nEmbd: C, ffnHidden: F, bias } = config;
    this.activation = config.activation;
    this.gate =
      this.activation === 'swiglu'
        ? this.registerModule('gate', new Linear(C, F, { ...options.linear, bias }))
        : null;
    this.up = this.registerModule('up', new Linear(C, F, { ...options.linear, bias }));
    this.down = this.registerModule('down', new Linear(F, C, { ...options.residual, bias }));
  }

  /**
   * x (B, T, C) → (B, T, C). The activation runs inside the up (or gate) projection's `linear` op,
   * applied to each block of the product as it is computed (no separate pass over (B, T, F)).
   */
  forward(x: Tensor): Tensor {
    let h: Tensor; // (B, T, F)
    if (this.gate)
      h = this.gate.forward(x, { activation: 'silu' }).mul(this.up.forward(x)); // silu(gate(x)) ⊙ up(x)
    else if (this.activation === 'gelu')
      h = this.up.forward(x, { activation: 'gelu_erf' }); // exact GELU
    else if (this.activation === 'gelu_tanh')
      h = this.up.forward(x, { activation: 'gelu_tanh' }); // GPT-2's gelu_new
    else h = this.up.forward(x, { activation: 'relu' }).square(); // relu2: max(0, x)²
    return this.down.forward(h); // (B, T, C)
  }
}
