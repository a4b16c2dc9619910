/**
 * Parameter initialisers, two kinds:
 *
 * - host initialisers, functions `(shape, generator) → Float32Array`: values drawn on the CPU from a
 *   seeded RandomGenerator and uploaded once, so a model is reproducible from its seed and identical on
 *   every backend;
 * - device initialisers (`deviceNormal`, `deviceConstant`), objects whose `onDevice` makes the
 *   parameter directly on its backend with the `randn` / `full` ops: no host array, no upload (a
 *   124M-parameter model initialises on the GPU), and f64 parameters drawn in f64. `deviceNormal`
 *   draws from the same Philox counters as `normal` and advances the generator alike.
 *
 * Fans follow torch (`_calculate_fan_in_and_fan_out`) for a weight of shape (out, in, ...k):
 * fanIn = in · Πk, fanOut = out · Πk; a 1-d shape (n) has fanIn = fanOut = n.
 *
 * Worked example: torch's default `nn.Linear(768, 3072)` weight is kaiming-uniform with a = √5:
 * gain = √(2 / (1 + a²)) = √(1/3), bound = gain · √(3 / fanIn) = 1/√768 ≈ 0.0361, so every weight is
 * in [−0.0361, 0.0361); its bias is uniform in the same range.
 */

import type { Backend } from '../backend/backend.js';
import type { FloatDType } from '../backend/dtype.js';
import { sizeOf } from '../backend/ops.js';
import { ArgumentError } from '../errors.js';
import { full, randn } from '../ops/creation.js';
import type { PhiloxStream } from '../random/philox.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';

/** Produces the initial values of a parameter of `shape` on the host. */
export type Initializer = (shape: readonly number[], generator: RandomGenerator) => Float32Array;

/** Makes a parameter directly on its backend (see the file comment). */
export interface DeviceInitializer {
  /** A new tensor of `shape` on `backend` in `dtype`; random draws advance `generator.offset`. */
  readonly onDevice: (
    shape: readonly number[],
    generator: PhiloxStream,
    backend: Backend,
    dtype: FloatDType,
  ) => Tensor;
}

/** What a layer's `weightInit` / `biasInit` option takes: either kind of initialiser. */
export type ParamInitializer = Initializer | DeviceInitializer;

/**
 * fanIn and fanOut of a weight shape (torch convention: (out, in, ...kernel)).
 *
 * @example
 * ```ts
 * fans([3072, 768]); // { fanIn: 768, fanOut: 3072 }
 * ```
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) {
    throw new ArgumentError({
      operation: 'fans',
      expected: 'a shape with at least one dim',
      found: '()',
      hint: 'scalars have no fan',
    });
  }
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = sizeOf(shape.slice(2));
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/**
 * Every value `value`.
 *
 * @example
 * ```ts
 * constant(0.5)([2], gen); // Float32Array [0.5, 0.5]
 * ```
 */
export function constant(value: number): Initializer {
  return (shape) => new Float32Array(sizeOf(shape)).fill(value);
}

/** Zeros (biases, LayerNorm bias). @example `zerosInit()([3], gen)` */
export function zerosInit(): Initializer {
  return constant(0);
}

/** Ones (norm weights). @example `onesInit()([3], gen)` */
export function onesInit(): Initializer {
  return constant(1);
}

/**
 * Uniform in [low, high).
 *
 * @example
 * ```ts
 * uniform(-0.1, 0.1)([4, 4], new RandomGenerator(0));
 * ```
 */
export function uniform(low: number, high: number): Initializer {
  return (shape, gen) => gen.uniformArray(sizeOf(shape), low, high);
}

/**
 * Normal(mean, std): GPT-2 uses std 0.02 for weights and embeddings.
 *
 * @example
 * ```ts
 * normal(0, 0.02)([768, 768], new RandomGenerator(0));
 * ```
 */
export function normal(mean = 0, std = 1): Initializer {
  return (shape, gen) => gen.normalArray(sizeOf(shape), mean, std);
}

/**
 * Kaiming (He) uniform: bound = gain · √(3 / fanIn), gain = √(2 / (1 + a²)) (leaky-ReLU slope a).
 * `a = √5` is torch's nn.Linear default, giving bound 1/√fanIn.
 *
 * @example
 * ```ts
 * kaimingUniform({ a: Math.sqrt(5) })([10, 100], gen); // values in [-0.1, 0.1)
 * ```
 */
export function kaimingUniform(options: { a?: number; mode?: 'fanIn' | 'fanOut' } = {}): Initializer {
  const a = options.a ?? 0;
  return (shape, gen) => {
    const f = fans(shape);
    const fan = options.mode === 'fanOut' ? f.fanOut : f.fanIn;
    const bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fan);
    return gen.uniformArray(sizeOf(shape), -bound, bound);
  };
}

/**
 * Xavier (Glorot) uniform: bound = gain · √(6 / (fanIn + fanOut)).
 *
 * @example
 * ```ts
 * xavierUniform()([64, 64], gen); // values in [-0.2165, 0.2165)
 * ```
 */
export function xavierUniform(gain = 1): Initializer {
  return (shape, gen) => {
    const { fanIn, fanOut } = fans(shape);
    const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
    return gen.uniformArray(sizeOf(shape), -bound, bound);
  };
}

/**
 * torch's nn.Linear bias default: uniform in ±1/√fanIn of the weight (`fanIn` = in_features).
 *
 * @example
 * ```ts
 * linearBiasInit(768)([3072], gen); // values in [-0.0361, 0.0361)
 * ```
 */
export function linearBiasInit(fanIn: number): Initializer {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniform(-bound, bound);
}

/**
 * Normal(mean, std) drawn on the parameter's backend by the `randn` op: the numbers `normal` would
 * give (the same Philox counters, the generator advanced alike), without a host array or an upload,
 * and in f64 for f64 parameters. GPT-2's weights and embeddings: `deviceNormal(0, 0.02)`.
 *
 * @example
 * ```ts
 * new Linear(768, 3072, { generator, backend, weightInit: deviceNormal(0, 0.02), biasInit: zerosInit() });
 * ```
 */
export function deviceNormal(mean = 0, std = 1): DeviceInitializer {
  return { onDevice: (shape, gen, backend, dtype) => randn(shape, gen, dtype, backend, mean, std) };
}

/**
 * Every value `value`, filled on the parameter's backend by the `full` op (draws nothing). For
 * parameters about to be overwritten by a checkpoint, `deviceConstant(0)` allocates without an upload.
 *
 * @example
 * ```ts
 * new Embedding(50257, 768, { generator, backend, weightInit: deviceConstant(0) });
 * ```
 */
export function deviceConstant(value: number): DeviceInitializer {
  return { onDevice: (shape, _gen, backend, dtype) => full(shape, value, dtype, backend) };
}
