/**
 * Creating a parameter tensor from an initialiser: values are drawn on the host from the generator
 * (so they are identical on every backend), converted to the dtype and uploaded once.
 */

import type { Backend } from '../backend/backend.js';
import type { FloatDType } from '../backend/dtype.js';
import { defaultBackend, tensor } from '../ops/creation.js';
import { OptimizerConfigError } from '../optim/optimizer-config-error.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import type { Initializer } from './init.js';

/** Where and how a layer creates its parameters. */
export interface ParamOptions {
  /** The backend the parameters live on (default: the shared CPU backend). */
  backend?: Backend;
  /** Parameter dtype (default f32). */
  dtype?: FloatDType;
}

/**
 * A new tensor of `shape` holding `init(shape, generator)`.
 *
 * @example
 * ```ts
 * const w = initTensor([4, 4], normal(0, 0.02), new RandomGenerator(0), { backend });
 * ```
 */
export function initTensor(
  shape: readonly number[],
  init: Initializer,
  generator: RandomGenerator | undefined,
  options: ParamOptions,
  op: string,
): Tensor {
  if (generator === undefined) {
    throw new OptimizerConfigError({
      operation: op,
      expected: 'a generator option (a seeded RandomGenerator)',
      found: 'none',
      hint: 'pass { generator: new RandomGenerator(seed) } so initialisation is reproducible',
    });
  }
  const values = init(shape, generator);
  return tensor(values, shape, options.dtype ?? 'f32', options.backend ?? defaultBackend());
}
