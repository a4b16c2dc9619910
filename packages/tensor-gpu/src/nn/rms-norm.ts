/**
 * RMSNorm over the last axis (Llama): y = x / √(mean(x²) + eps) · weight; weight starts at ones.
 * Runs the fused rmsNorm kernel.
 */

import { requireCount, requireNumber, requireOptions } from '../arguments.js';
import { rmsNorm } from '../ops/rms-norm.js';
import { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import { onesInit } from './init.js';
import { Module } from './module.js';
import { initTensor, type ParamOptions } from './param.js';

/** Options of RMSNorm. */
export interface RMSNormOptions extends ParamOptions {
  /** Added to the mean square (default 1e-6; HF Llama configs often use 1e-5). */
  eps?: number;
}

const UNUSED = new RandomGenerator(0);

/**
 * Root-mean-square normalisation.
 *
 * @example
 * ```ts
 * const norm = new RMSNorm(4096, { eps: 1e-5, backend });
 * const y = norm.forward(x); // (B,T,4096) → (B,T,4096)
 * ```
 */
export class RMSNorm extends Module {
  readonly weight: Tensor;
  readonly eps: number;

  constructor(
    readonly dim: number,
    options: RMSNormOptions = {},
  ) {
    super();
    requireCount('RMSNorm', 'dim', dim, 'the size of the normalised (last) axis');
    requireOptions('RMSNorm', options);
    this.eps = requireNumber('RMSNorm', 'options.eps', options.eps ?? 1e-6, {
      min: 0,
      hint: 'eps keeps the division finite; Llama uses 1e-5 or 1e-6',
    });
    this.weight = this.registerParameter('weight', initTensor([dim], onesInit(), UNUSED, options, 'RMSNorm'));
  }

  /** Normalises the last axis. */
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}
