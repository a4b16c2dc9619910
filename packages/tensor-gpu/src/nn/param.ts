/**
 * Creating a parameter tensor from an initialiser: a host initialiser's values are drawn from the
 * generator (so they are identical on every backend), converted to the dtype and uploaded once; a
 * device initialiser makes the tensor on the backend itself.
 */

import type { Backend } from '../backend/backend.js';
import type { FloatDType } from '../backend/dtype.js';
import { defaultBackend, tensor } from '../ops/creation.js';
import { OptimizerConfigError } from '../optim/optimizer-config-error.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import type { ParamInitializer } from './init.js';

/** Where and how a layer creates its parameters. */
export interface ParamOptions {
  /** The backend the parameters live on (default: the shared CPU backend). */
  backend?: Backend;
  /** Parameter dtype (default f32). */
  dtype?: FloatDType;
}

/**
 * A new tensor of `shape` holding `init(shape, generator)` (host) or made by `init.onDevice` (device).
 *
 * @example
 * ```ts
 * const w = initTensor([4, 4], normal(0, 0.02), new RandomGenerator(0), { backend }, 'example');
 * const v = initTensor([4, 4], deviceNormal(0, 0.02), new RandomGenerator(0), { backend }, 'example'); // same values
 * ```
 */
export function initTensor(
  shape: readonly number[],
  init: ParamInitializer,
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
  const dtype = options.dtype ?? 'f32';
  const backend = options.backend ?? defaultBackend();
  if (typeof init !== 'function') return init.onDevice(shape, generator, backend, dtype);
  return tensor(init(shape, generator), shape, dtype, backend);
}
