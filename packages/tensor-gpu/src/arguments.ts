/**
 * Checks of the arguments and options users pass to the public API, each throwing a typed error that
 * names the operation, the argument, what was expected, what was found (`describeValue`) and a hint:
 *
 *   requireCount('Linear', 'inFeatures', -1)
 *   → ArgumentError "Linear: expected inFeatures an integer ≥ 0, found -1; hint: ..."
 *
 * JavaScript does not check types at run time, so a string where a number belongs (`lr: '0.1'`, a
 * seed read from a config file) would otherwise flow on as NaN or be concatenated; these checks stop
 * it at the edge, where the message can still name the option. They cost a few comparisons, so they
 * run on every call.
 */
import type { Backend } from './backend/backend.js';
import { allocArray, DTYPES, type DType, isDType, type TypedArray, toF16Bits } from './backend/dtype.js';
import {
  ArgumentError,
  BackendError,
  DTypeError,
  type ErrorDetails,
  ShapeError,
  type TensorError,
} from './errors.js';

/** The class an argument check throws (ArgumentError unless a subsystem has its own, e.g. OptimizerConfigError). */
export type ArgumentErrorClass = new (details: ErrorDetails) => TensorError;

import type { PhiloxStream } from './random/philox.js';

/**
 * A short description of any value for an error message: `'abc' (a string)`, `NaN`, `null`,
 * `[1,2]`, `an object`.
 *
 * @example
 * ```ts
 * describeValue('0.1'); // "'0.1' (a string)"
 * describeValue([1.5, 2]); // '[1.5,2]'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return 'undefined (missing)';
    case 'number':
      return String(value);
    case 'string':
      return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}' (a string)`;
    case 'bigint':
      return `${value}n (a bigint)`;
    case 'boolean':
      return `${value} (a boolean)`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, 8).map((v) => (typeof v === 'number' ? String(v) : describeValue(v)));
    return `[${items.join(',')}${value.length > 8 ? ',…' : ''}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** Bounds and kind of a number argument (see {@link requireNumber}). */
export interface NumberRule {
  /** Must be an integer (a safe one: |n| < 2^53). */
  integer?: boolean;
  /** Lower bound (inclusive unless `minExclusive`). */
  min?: number;
  minExclusive?: boolean;
  /** Upper bound (inclusive unless `maxExclusive`). */
  max?: number;
  maxExclusive?: boolean;
  /** Accept ±Infinity (default: finite only). */
  infinite?: boolean;
  hint?: string;
}

function ruleText(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : rule.infinite ? 'a number' : 'a finite number';
  const lo = rule.min === undefined ? '' : `${rule.minExclusive ? '>' : '≥'} ${rule.min}`;
  const hi = rule.max === undefined ? '' : `${rule.maxExclusive ? '<' : '≤'} ${rule.max}`;
  if (lo && hi && rule.min !== undefined && rule.max !== undefined) {
    const range = `${rule.minExclusive ? '(' : '['}${rule.min}, ${rule.max}${rule.maxExclusive ? ')' : ']'}`;
    return rule.integer ? `an integer in ${range}` : `in ${range}`;
  }
  return [kind, lo, hi].filter(Boolean).join(' ');
}

/**
 * `value` if it is a number that follows `rule`, else ArgumentError naming `name`.
 *
 * @example
 * ```ts
 * requireNumber('Dropout', 'p', 0.1, { min: 0, max: 1, maxExclusive: true }); // 0.1
 * requireNumber('rope', 'offset', -1, { integer: true, min: 0 }); // throws ArgumentError
 * ```
 */
export function requireNumber(
  op: string,
  name: string,
  value: unknown,
  rule: NumberRule = {},
  ErrorClass: ArgumentErrorClass = ArgumentError,
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (rule.infinite || Number.isFinite(value)) &&
    (!rule.integer || Number.isSafeInteger(value)) &&
    (rule.min === undefined || (rule.minExclusive ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || (rule.maxExclusive ? value < rule.max : value <= rule.max));
  if (!ok) {
    throw new ErrorClass({
      operation: op,
      expected: `${name} ${ruleText(rule)}`,
      found: describeValue(value),
      hint:
        rule.hint ??
        (typeof value === 'string'
          ? `pass a number, e.g. Number(${JSON.stringify(value)})`
          : `check ${name}`),
    });
  }
  return value as number;
}

/**
 * `value` if it is an integer ≥ 0 (a size, a count), else ArgumentError.
 *
 * @example
 * ```ts
 * requireCount('Linear', 'inFeatures', 768); // 768
 * ```
 */
export function requireCount(op: string, name: string, value: unknown, hint?: string): number {
  return requireNumber(op, name, value, {
    integer: true,
    min: 0,
    hint: hint ?? `${name} is a size: a whole number, 0 or more`,
  });
}

/**
 * `value` if it is a boolean (or `fallback` when undefined), else ArgumentError.
 *
 * @example
 * ```ts
 * requireBoolean('Linear', 'bias', options.bias, true);
 * ```
 */
export function requireBoolean(
  op: string,
  name: string,
  value: unknown,
  fallback: boolean,
  ErrorClass: ArgumentErrorClass = ArgumentError,
): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ErrorClass({
      operation: op,
      expected: `${name} true or false`,
      found: describeValue(value),
      hint: `omit ${name} for the default (${fallback})`,
    });
  }
  return value;
}

/**
 * `value` if it is one of `choices`, else ArgumentError listing them.
 *
 * @example
 * ```ts
 * requireChoice('crossEntropy', 'reduction', 'mean', ['mean', 'sum', 'none']); // 'mean'
 * ```
 */
export function requireChoice<T extends string>(
  op: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  ErrorClass: ArgumentErrorClass = ArgumentError,
): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ErrorClass({
      operation: op,
      expected: `${name} one of ${choices.map((c) => `'${c}'`).join(', ')}`,
      found: describeValue(value),
      hint: 'names are case-sensitive',
    });
  }
  return value as T;
}

/**
 * The options bag `value` (`{}` when undefined), or ArgumentError when it is not an object.
 *
 * @example
 * ```ts
 * const o = requireOptions('AdamW', options); // {} for undefined
 * ```
 */
export function requireOptions<T extends object>(
  op: string,
  value: T | undefined,
  name = 'options',
  ErrorClass: ArgumentErrorClass = ArgumentError,
): T {
  if (value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ErrorClass({
      operation: op,
      expected: `${name} an object ({ ... })`,
      found: describeValue(value),
      hint: `omit ${name} for the defaults`,
    });
  }
  return value;
}

/**
 * `shape` as a fresh array if it is an array of integers ≥ 0, else ShapeError naming the bad entry.
 *
 * @example
 * ```ts
 * requireShapeArg('zeros', [2, 3]); // [2, 3]
 * requireShapeArg('tensor', [1.5, 2]); // throws ShapeError
 * ```
 */
export function requireShapeArg(op: string, shape: unknown, name = 'shape'): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError({
      operation: op,
      expected: `${name} an array of sizes, e.g. [2, 3]`,
      found: describeValue(shape),
      hint: typeof shape === 'number' ? `wrap it: [${shape}]` : 'a scalar has shape []',
    });
  }
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError({
        operation: op,
        expected: `${name} of integers ≥ 0`,
        found: `${describeValue(shape)} (entry ${i} is ${describeValue(d)})`,
        hint:
          typeof d === 'number' && d < 0
            ? 'sizes cannot be negative (reshape() infers one -1, tensor() does not)'
            : 'every size is a whole number of elements',
      });
    }
  }
  return [...shape];
}

/**
 * `dtype` if it names a dtype, else DTypeError listing them.
 *
 * @example
 * ```ts
 * requireDTypeArg('zeros', 'f32'); // 'f32'
 * ```
 */
export function requireDTypeArg(op: string, dtype: unknown, name = 'dtype'): DType {
  if (!isDType(dtype)) {
    throw new DTypeError({
      operation: op,
      expected: `${name} one of ${DTYPES.join(', ')}`,
      found: describeValue(dtype),
      hint: "'f32' is the default float type, 'i32' holds ids",
    });
  }
  return dtype;
}

/**
 * `backend` if it looks like a Backend (allocate/run/read functions), else BackendError.
 *
 * @example
 * ```ts
 * requireBackend('tensor', createCpuBackend());
 * ```
 */
export function requireBackend(op: string, backend: unknown): Backend {
  const b = backend as Partial<Backend> | null | undefined;
  if (
    typeof b !== 'object' ||
    b === null ||
    typeof b.allocate !== 'function' ||
    typeof b.run !== 'function' ||
    typeof b.read !== 'function'
  ) {
    throw new BackendError({
      operation: op,
      expected: 'a backend (createCpuBackend(), createWebGPUBackend(...), createNodeBackend())',
      found: describeValue(backend),
      hint: 'omit the backend argument for the shared CPU backend',
    });
  }
  return b as Backend;
}

/**
 * `gen` if it is a random stream (a RandomGenerator: integer seed and offset ≥ 0), else ArgumentError.
 *
 * @example
 * ```ts
 * requireGenerator('dropout', new RandomGenerator(0));
 * ```
 */
export function requireGenerator(op: string, gen: unknown, name = 'generator'): PhiloxStream {
  const g = gen as Partial<PhiloxStream> | null | undefined;
  const ok =
    typeof g === 'object' &&
    g !== null &&
    Number.isSafeInteger(g.seed) &&
    (g.seed as number) >= 0 &&
    Number.isSafeInteger(g.offset) &&
    (g.offset as number) >= 0;
  if (!ok) {
    throw new ArgumentError({
      operation: op,
      expected: `${name} a RandomGenerator (integer seed and offset ≥ 0)`,
      found: describeValue(gen),
      hint: 'pass new RandomGenerator(seed): every random draw comes from an explicit seed',
    });
  }
  return g as PhiloxStream;
}

const HOST_ARRAY: Record<DType, new (n: number) => TypedArray> = {
  f32: Float32Array,
  f16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f64: Float64Array,
};

/**
 * The host array a backend's `write` takes for a `dtype` tensor of `size` elements, from `source`:
 * the same array when it already is one (a Uint16Array is f16 bits), else the values converted (f16
 * rounded to nearest even). ShapeError when the length differs, ArgumentError when `source` is not
 * numbers.
 *
 * @example
 * ```ts
 * hostArrayFor('assign', 'f32', 2, [1, 2]); // Float32Array [1, 2]
 * hostArrayFor('assign', 'f16', 1, new Float32Array([1])); // Uint16Array [0x3c00]
 * ```
 */
export function hostArrayFor(op: string, dtype: DType, size: number, source: unknown): TypedArray {
  const typed = ArrayBuffer.isView(source) && !(source instanceof DataView);
  if (
    (!typed && !Array.isArray(source)) ||
    source instanceof BigInt64Array ||
    source instanceof BigUint64Array
  ) {
    throw new ArgumentError({
      operation: op,
      expected: `host data: a typed array or an array of ${size} numbers`,
      found: describeValue(source),
      hint: 'pass e.g. new Float32Array(n), or a Tensor',
    });
  }
  const values = source as ArrayLike<number>;
  if (values.length !== size) {
    throw new ShapeError({
      operation: op,
      expected: `${size} values (the tensor's element count)`,
      found: `${values.length} values`,
      hint: 'the host data must have exactly one value per element',
    });
  }
  if (source instanceof HOST_ARRAY[dtype]) return source as TypedArray;
  if (!typed) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') {
        throw new ArgumentError({
          operation: op,
          expected: 'an array of numbers',
          found: `${describeValue(values[i])} at index ${i}`,
          hint: 'convert the entries with Number(...) first',
        });
      }
    }
  }
  const out = allocArray(dtype, size);
  if (dtype === 'f16') for (let i = 0; i < size; i++) out[i] = toF16Bits(values[i]!);
  else out.set(values);
  return out;
}
