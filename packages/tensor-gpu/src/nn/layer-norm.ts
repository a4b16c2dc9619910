/**
 * LayerNorm over the last axis: y = (x − mean)/√(var + eps) · weight + bias (torch.nn.LayerNorm with
 * normalized_shape = [dim]); weight starts at ones, bias at zeros. Runs the fused layerNorm kernel.
 */

import { requireBoolean, requireCount, requireNumber, requireOptions } from '../arguments.js';
import { layerNorm } from '../ops/layer-norm.js';
import { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import { onesInit, zerosInit } from './init.js';
import { Module } from './module.js';
import { initTensor, type ParamOptions } from './param.js';

/** Options of LayerNorm. */
export interface LayerNormOptions extends ParamOptions {
  /** Added to the variance (default 1e-5, torch and GPT-2). */
  eps?: number;
  /** Learnable weight and bias (default true). */
  elementwiseAffine?: boolean;
  /** Learnable bias when affine (default true; false for bias-free variants). */
  bias?: boolean;
}

// Constant initialisers draw nothing; any generator will do.
const UNUSED = new RandomGenerator(0);

/**
 * Layer normalisation.
 *
 * @example
 * ```ts
 * const ln = new LayerNorm(768, { backend });
 * const y = ln.forward(x); // (B,T,768) → (B,T,768)
 * ```
 */
export class LayerNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  constructor(
    readonly dim: number,
    options: LayerNormOptions = {},
  ) {
    super();
    requireCount('LayerNorm', 'dim', dim, 'the size of the normalised (last) axis');
    requireOptions('LayerNorm', options);
    this.eps = requireNumber('LayerNorm', 'options.eps', options.eps ?? 1e-5, {
      min: 0,
      hint: 'eps keeps the division finite; torch and GPT-2 use 1e-5',
    });
    const affine = requireBoolean('LayerNorm', 'options.elementwiseAffine', options.elementwiseAffine, true);
    const withBias = requireBoolean('LayerNorm', 'options.bias', options.bias, true);
    this.weight = affine
      ? this.registerParameter('weight', initTensor([dim], onesInit(), UNUSED, options, 'LayerNorm'))
      : null;
    this.bias =
      affine && withBias
        ? this.registerParameter('bias', initTensor([dim], zerosInit(), UNUSED, options, 'LayerNorm'))
        : null;
  }

  /** Normalises the last axis. */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
