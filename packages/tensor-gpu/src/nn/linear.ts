/**
 * Linear: y = x · Wᵀ + b, with W stored (out, in) as in torch (and HF Llama checkpoints).
 *
 * Shapes: x (..., in) → y (..., out). Default init is torch's: W kaiming-uniform with a = √5
 * (bound 1/√in), b uniform in ±1/√in. Override with `weightInit` / `biasInit` (GPT-2: normal(0, 0.02)
 * and zeros; `deviceNormal(0, 0.02)` draws the same numbers on the device). The weight is created
 * before the bias, so a shared generator is consumed in that order.
 */

import { requireBoolean, requireCount, requireOptions } from '../arguments.js';
import { type LinearFunctionOptions, linear } from '../ops/linear.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import { kaimingUniform, linearBiasInit, type ParamInitializer } from './init.js';
import { Module } from './module.js';
import { initTensor, type ParamOptions } from './param.js';

/** Options of Linear. */
export interface LinearOptions extends ParamOptions {
  /** Seeded generator for the initial values (required unless both inits are constant). */
  generator?: RandomGenerator;
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialiser, host or device (default kaiming-uniform, a = √5). */
  weightInit?: ParamInitializer;
  /** Bias initialiser, host or device (default uniform ±1/√in). */
  biasInit?: ParamInitializer;
}

/**
 * A fully connected layer.
 *
 * @example
 * ```ts
 * const fc = new Linear(768, 3072, { generator: new RandomGenerator(0), backend });
 * const y = fc.forward(x); // x (B,T,768) → y (B,T,3072)
 * ```
 */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    requireCount('Linear', 'inFeatures', inFeatures);
    requireCount('Linear', 'outFeatures', outFeatures);
    requireOptions('Linear', options);
    const bias = requireBoolean('Linear', 'options.bias', options.bias, true);
    const weightInit = options.weightInit ?? kaimingUniform({ a: Math.sqrt(5) });
    this.weight = this.registerParameter(
      'weight',
      initTensor([outFeatures, inFeatures], weightInit, options.generator, options, 'Linear'),
    );
    this.bias = !bias
      ? null
      : this.registerParameter(
          'bias',
          initTensor(
            [outFeatures],
            options.biasInit ?? linearBiasInit(inFeatures),
            options.generator,
            options,
            'Linear',
          ),
        );
  }

  /**
   * y = act(x · Wᵀ + b): x (…, in) → (…, out), one `linear` op (the bias, and the activation when
   * given, applied to the product as it is computed).
   *
   * @example
   * ```ts
   * up.forward(x);                             // x·Wᵀ + b
   * up.forward(x, { activation: 'gelu_erf' }); // GELU(x·Wᵀ + b) in the same pass
   * ```
   */
  forward(x: Tensor, options: LinearFunctionOptions = {}): Tensor {
    return linear(x, this.weight, this.bias, options);
  }
}
