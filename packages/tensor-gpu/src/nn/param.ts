/**
 * Creating a parameter tensor from an initialiser: a host initialiser's values are drawn from the
 * generator (so they are identical on every backend), converted to the dtype and uploaded once; a
 * device initialiser makes the tensor on the backend itself.
 */

import { describeValue, requireBackend, requireDTypeArg, requireGenerator } from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import { type FloatDType, isFloatDType } from '../backend/dtype.js';
import { ArgumentError, DTypeError } from '../errors.js';
import { defaultBackend, tensor } from '../ops/creation.js';
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

/** The parameter dtype of a layer's options: a float dtype (default f32). */
export function paramDType(op: string, dtype: unknown): FloatDType {
  if (dtype === undefined) return 'f32';
  const dt = requireDTypeArg(op, dtype, 'options.dtype');
  if (!isFloatDType(dt)) {
    throw new DTypeError({
      operation: op,
      expected: 'options.dtype a float dtype (f32, f16, f64) for parameters',
      found: dt,
      hint: 'parameters are trained by gradients, which need floats',
    });
  }
  return dt;
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
    throw new ArgumentError({
      operation: op,
      expected: 'a generator option (a seeded RandomGenerator)',
      found: 'none',
      hint: 'pass { generator: new RandomGenerator(seed) } so initialisation is reproducible',
    });
  }
  requireGenerator(op, generator, 'options.generator');
  const dtype = paramDType(op, options.dtype);
  const backend = options.backend === undefined ? defaultBackend() : requireBackend(op, options.backend);
  const isDevice = typeof init === 'object' && init !== null && typeof init.onDevice === 'function';
  if (typeof init !== 'function' && !isDevice) {
    throw new ArgumentError({
      operation: op,
      expected: 'an initialiser: a function (shape, generator) → Float32Array, or a device initialiser',
      found: describeValue(init),
      hint: 'use normal(0, 0.02), kaimingUniform(), deviceNormal(0, 0.02), zerosInit(), ...',
    });
  }
  if (typeof init !== 'function') return init.onDevice(shape, generator, backend, dtype);
  return tensor(init(shape, generator), shape, dtype, backend);
}
