/**
 * Dropout: in training mode zeroes each element with probability p and scales the rest by 1/(1 − p);
 * in eval mode (or p = 0) passes x through. The mask comes from the module's generator through the
 * counter-based dropout op, so it is identical on CPU and WebGPU for the same generator state, and the
 * backward regenerates it instead of storing it.
 */

import { requireGenerator, requireNumber, requireOptions } from '../arguments.js';
import { dropout } from '../ops/dropout.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/**
 * Dropout layer.
 *
 * @example
 * ```ts
 * const drop = new Dropout(0.1, { generator: new RandomGenerator(1) });
 * const y = drop.forward(x); // training: masked and scaled; after drop.eval(): a view of x
 * ```
 */
export class Dropout extends Module {
  private readonly generator: RandomGenerator;

  constructor(
    readonly p: number,
    options: { generator: RandomGenerator },
  ) {
    super();
    requireNumber('Dropout', 'p', p, {
      min: 0,
      max: 1,
      maxExclusive: true,
      hint: 'p is the probability of zeroing an element; 0 turns dropout off',
    });
    const o = requireOptions('Dropout', options);
    this.generator = requireGenerator('Dropout', o.generator, 'options.generator') as RandomGenerator;
  }

  /** Applies dropout when training, else returns a new handle on x. */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x.reshape(x.shape);
    return dropout(x, this.p, this.generator);
  }
}
