/**
 * The options of `createModel` (and `fromPretrained`), checked before anything is allocated: a seed
 * that is an integer ≥ 0 (`NaN` is not 0), a backend that is a tensor-gpu backend and not disposed,
 * a dtype that backend computes in, `init` a boolean. A config whose largest tensor would not fit in
 * one buffer (2³² − 1 elements: typed arrays and the WebGPU kernels index with u32) fails here too,
 * instead of as a RangeError in the middle of building the model.
 */

import { type Backend, defaultBackend } from '@llmforge/tensor-gpu';
import type { ModelConfig } from './config.js';
import { ModelConfigError } from './errors.js';
import type { ModelDType } from './layer-options.js';

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Where parameters live and compute runs (default: tensor-gpu's shared CPU backend). */
  backend?: Backend;
  /** Seed of the initialization (and of dropout masks): an integer ≥ 0. Default 0. */
  seed?: number;
  /** Parameter dtype. Default 'f32'; 'f64' only on the CPU backend; 'f16' for mixed precision. */
  dtype?: ModelDType;
  /**
   * Initialize parameters (GPT-2 scheme, seeded). Default true; `fromPretrained` passes false and
   * fills them from the checkpoint instead.
   */
  init?: boolean;
}

/** {@link CreateModelOptions} checked, with the defaults filled in. */
export interface ResolvedModelOptions {
  backend: Backend;
  seed: number;
  dtype: ModelDType;
  init: boolean;
}

/** The most elements one tensor may hold (u32 indexing in typed arrays and WGSL kernels). */
export const MAX_TENSOR_ELEMENTS = 2 ** 32 - 1;

function bad(operation: string, where: string, expected: string, found: string, hint: string): never {
  throw new ModelConfigError({ operation, where, expected, found, hint });
}

function isBackend(b: unknown): b is Backend {
  const o = b as Partial<Backend> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.allocate === 'function' &&
    typeof o.run === 'function' &&
    typeof o.read === 'function' &&
    Array.isArray(o.dtypes)
  );
}

/**
 * Checks the options of `createModel` / `fromPretrained` and fills the defaults; throws
 * {@link ModelConfigError} naming the option.
 *
 * @example
 * ```ts
 * resolveModelOptions('createModel', { seed: 3 }).dtype; // 'f32'
 * resolveModelOptions('createModel', { seed: Number.NaN }); // ModelConfigError: createModel: seed: ...
 * ```
 */
export function resolveModelOptions(operation: string, options: unknown): ResolvedModelOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    bad(
      operation,
      'options',
      'an options object',
      String(options),
      'pass { backend, seed, dtype } or nothing',
    );
  }
  const o = options as Record<string, unknown>;
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    bad(
      operation,
      'seed',
      'an integer in [0, 2^53)',
      String(seed),
      'seeds are non-negative integers, e.g. 0 or 1234',
    );
  }
  const backend = o.backend ?? defaultBackend();
  if (!isBackend(backend)) {
    bad(
      operation,
      'backend',
      'a tensor-gpu Backend',
      typeof backend === 'object' ? 'an object without allocate/run/read' : String(backend),
      'pass createCpuBackend() or await createNodeBackend() (from @llmforge/tensor-gpu/node)',
    );
  }
  if (backend.disposed) {
    bad(
      operation,
      'backend',
      'a live backend',
      'a disposed one',
      'create a new backend; dispose it after the model',
    );
  }
  const dtype = o.dtype ?? 'f32';
  if (dtype !== 'f32' && dtype !== 'f16' && dtype !== 'f64') {
    bad(
      operation,
      'dtype',
      "'f32', 'f16' or 'f64'",
      String(dtype),
      'models compute in f32 (f16 for mixed precision, f64 on the CPU backend for tests)',
    );
  }
  if (!backend.dtypes.includes(dtype)) {
    bad(
      operation,
      'dtype',
      `a dtype the ${backend.name} backend computes in (${backend.dtypes.join(', ')})`,
      dtype,
      "use 'f32'",
    );
  }
  const init = o.init ?? true;
  if (typeof init !== 'boolean')
    bad(operation, 'init', 'true or false', String(init), 'false leaves the weights zero, to be loaded');
  return { backend, seed, dtype, init };
}

/**
 * Fails when one of the config's tensors would hold more than {@link MAX_TENSOR_ELEMENTS} elements
 * (the token embedding V·C, the position table, an MLP matrix).
 *
 * @example
 * ```ts
 * checkTensorSizes('createModel', resolveConfig({ ...presets.gpt2, vocabSize: 1e9 })); // throws
 * ```
 */
export function checkTensorSizes(operation: string, c: ModelConfig): void {
  const C = c.nEmbd;
  const sizes: [string, number][] = [
    ['vocabSize', c.vocabSize * C],
    ['contextLength', c.contextLength * C],
    ['ffnHidden', c.ffnHidden * C],
    ['nHead', c.nHead * c.headDim * C],
  ];
  for (const [where, n] of sizes) {
    if (n > MAX_TENSOR_ELEMENTS) {
      bad(
        operation,
        where,
        `tensors of at most 2^32 - 1 elements`,
        `a ${where} × nEmbd tensor of ${n.toExponential(3)} elements`,
        'is the config right? a model this size does not fit one buffer',
      );
    }
  }
}
