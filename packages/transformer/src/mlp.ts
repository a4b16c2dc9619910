/**
 * The MLP of a block: widen to F channels, a non-linearity, back to C.
 *
 *   gelu, gelu_tanh, relu2   x (B, T, C) ─► act(x·Wupᵀ + b) (B, T, F) ─► ·Wdownᵀ + b (B, T, C)
 *   swiglu (Llama)           x (B, T, C) ─► silu(x·Wgateᵀ) ⊙ x·Wupᵀ (B, T, F) ─► ·Wdownᵀ (B, T, C)
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

  /** x (B, T, C) → (B, T, C). */
  forward(x: Tensor): Tensor {
    const up = this.up.forward(x); // (B, T, F)
    let h: Tensor;
    if (this.gate)
      h = this.gate.forward(x).silu().mul(up); // silu(gate(x)) ⊙ up(x)
    else if (this.activation === 'gelu')
      h = up.gelu('none'); // exact, erf
    else if (this.activation === 'gelu_tanh')
      h = up.gelu('tanh'); // GPT-2's gelu_new
    else h = up.relu().square(); // relu2: max(0, x)²
    return this.down.forward(h); // (B, T, C)
  }
}
