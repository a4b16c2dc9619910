/**
 * Creating tensors: from host data (`tensor`), constants (`zeros`, `ones`, `full`, `arange`, and the
 * `*Like` forms), and random draws from a seeded generator (`rand`, `randn`) computed on the device
 * with the counter-based Philox stream (the generator's offset advances by the counters used).
 *
 * Without a backend argument tensors go to `defaultBackend()`, a CPU backend created on first use.
 */

import {
  describeValue,
  requireBackend,
  requireDTypeArg,
  requireGenerator,
  requireNumber,
  requireShapeArg,
} from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import {
  allocArray,
  type DType,
  dtypeOfArray,
  type FloatDType,
  isFloatDType,
  type TypedArray,
  toF16Bits,
} from '../backend/dtype.js';
import { sizeOf } from '../backend/ops.js';
import { createCpuBackend } from '../cpu/backend.js';
import { ArgumentError, DTypeError, formatShape, ShapeError } from '../errors.js';
import { normalCounters, type PhiloxStream, uniformCounters } from '../random/philox.js';
import { Tensor } from '../tensor.js';
import { runOp } from './run.js';

let shared: Backend | undefined;

/**
 * The CPU backend used when no backend is given (created on first call; never a GPU).
 *
 * @example
 * ```ts
 * zeros([2]).backend === defaultBackend(); // true
 * ```
 */
export function defaultBackend(): Backend {
  if (!shared || shared.disposed) shared = createCpuBackend();
  return shared;
}

/** Nested number arrays: `[[1, 2], [3, 4]]`. */
export type NestedArray = number | readonly NestedArray[];

/**
 * The shape and the flat values of nested arrays, checking they are rectangular and hold numbers:
 * `[[1, 2], [3, 4]]` → shape (2,2), values [1, 2, 3, 4]; `[[1, 2], [3]]` → ShapeError.
 */
function readNested(data: unknown): { shape: number[]; values: number[] } {
  if (typeof data === 'number') return { shape: [], values: [data] };
  if (!Array.isArray(data)) {
    throw new ArgumentError({
      operation: 'tensor',
      expected: 'data as a number, nested arrays of numbers or a typed array',
      found: describeValue(data),
      hint: 'e.g. tensor([[1, 2], [3, 4]]) or tensor(new Float32Array(n), [rows, cols])',
    });
  }
  const shape: number[] = [];
  for (let cur: unknown = data; Array.isArray(cur); cur = cur[0]) shape.push(cur.length);
  const values: number[] = [];
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new ArgumentError({
          operation: 'tensor',
          expected: `a number at data${path}`,
          found: describeValue(node),
          hint: Array.isArray(node)
            ? 'the nesting is ragged: every entry at one depth must have the same length'
            : 'convert the entries with Number(...) first',
        });
      }
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new ShapeError({
        operation: 'tensor',
        expected: `nested arrays of shape ${formatShape(shape)} (data${path} of length ${shape[depth]})`,
        found: `data${path} = ${describeValue(node)}`,
        hint: 'the nesting is ragged: every entry at one depth must have the same length',
      });
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
  return { shape, values };
}

/** Host arrays that hold integers tensor() reads as i32 (there is no 8/16-bit integer dtype). */
const SMALL_INT_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array];

/** A typed array's values and the dtype they imply (BigInt arrays have none). */
function readTyped(data: ArrayBufferView): { values: ArrayLike<number>; dtype: DType; bits: boolean } {
  if (SMALL_INT_ARRAYS.some((c) => data instanceof c)) {
    return { values: data as unknown as ArrayLike<number>, dtype: 'i32', bits: false };
  }
  const f16 = (globalThis as { Float16Array?: abstract new () => unknown }).Float16Array;
  if (f16 && data instanceof f16) {
    return { values: data as unknown as ArrayLike<number>, dtype: 'f16', bits: false };
  }
  if (
    data instanceof Float32Array ||
    data instanceof Float64Array ||
    data instanceof Int32Array ||
    data instanceof Uint32Array ||
    data instanceof Uint16Array
  ) {
    return { values: data, dtype: dtypeOfArray(data), bits: data instanceof Uint16Array };
  }
  throw new DTypeError({
    operation: 'tensor',
    expected:
      'a Float32Array, Float64Array, Int32Array, Uint32Array, Uint16Array (f16 bits) or 8/16-bit integer array',
    found: describeValue(data),
    hint: 'convert BigInt arrays with Int32Array.from(data, Number) (ids) or Float64Array.from(data, Number)',
  });
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  i32: [-(2 ** 31), 2 ** 31 - 1],
  u32: [0, 2 ** 32 - 1],
};

/**
 * A tensor holding `data`: a number, nested arrays, or a typed array (a Uint16Array holds f16 bits;
 * 8/16-bit integer arrays are read as i32). `shape` defaults to the nesting (or `[length]`); `dtype`
 * to the typed array's (else `f32`). Floats converted to i32/u32 truncate toward zero, as in torch;
 * values outside the integer range (or NaN) raise ArgumentError instead of wrapping.
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).shape; // [2, 2]
 * tensor(new Int32Array([5, 6]), [2], 'i32', backend);
 * tensor([1, 2, 3], [1.5, 2]); // ShapeError: shape of integers ≥ 0
 * ```
 */
export function tensor(
  data: NestedArray | TypedArray | readonly number[],
  shape?: readonly number[],
  dtype?: DType,
  backend: Backend = defaultBackend(),
): Tensor {
  requireBackend('tensor', backend);
  const typed = ArrayBuffer.isView(data) ? readTyped(data) : undefined;
  const nested = typed ? undefined : readNested(data);
  const values: ArrayLike<number> = typed ? typed.values : nested!.values;
  const dt: DType = dtype === undefined ? (typed?.dtype ?? 'f32') : requireDTypeArg('tensor', dtype);
  const sh =
    shape === undefined ? (typed ? [values.length] : nested!.shape) : requireShapeArg('tensor', shape);
  if (sizeOf(sh) !== values.length) {
    throw new ShapeError({
      operation: 'tensor',
      expected: `${sizeOf(sh)} values for shape ${formatShape(sh)}`,
      found: `${values.length} values`,
      hint: 'pass the shape that matches the data',
    });
  }
  const host = allocArray(dt, values.length);
  if (dt === 'f16') {
    const fromBits = typed?.bits === true;
    for (let i = 0; i < values.length; i++) host[i] = fromBits ? values[i]! : toF16Bits(values[i]!);
  } else {
    const range = INT_RANGE[dt];
    if (range && !(typed && typed.dtype === dt)) checkIntValues(values, dt, range);
    host.set(values);
  }
  const t = Tensor._allocate(backend, sh, dt);
  backend.write(t._storageHandle(), host);
  return t;
}

function checkIntValues(values: ArrayLike<number>, dtype: DType, [lo, hi]: [number, number]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > lo - 1 && v < hi + 1)) {
      throw new ArgumentError({
        operation: 'tensor',
        expected: `values in [${lo}, ${hi}] for dtype ${dtype}`,
        found: `${describeValue(v)} at index ${i}`,
        hint: 'integer tensors hold ids and counts; use f32 for other numbers',
      });
    }
  }
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * full([2, 2], 7).dataSync(); // [7, 7, 7, 7]
 * ```
 */
export function full(
  shape: readonly number[],
  value: number,
  dtype: DType = 'f32',
  backend: Backend = defaultBackend(),
): Tensor {
  const sh = requireShapeArg('full', shape);
  if (typeof value !== 'number') {
    throw new ArgumentError({
      operation: 'full',
      expected: 'value a number',
      found: describeValue(value),
      hint: 'pass a number (NaN and ±Infinity are allowed)',
    });
  }
  const dt = requireDTypeArg('full', dtype);
  return runOp('fill', requireBackend('full', backend), {}, {}, { shape: sh, dtype: dt, value }).y;
}

/**
 * Zeros. @example
 * ```ts
 * zeros([2, 3]).shape; // [2, 3]
 * ```
 */
export function zeros(
  shape: readonly number[],
  dtype: DType = 'f32',
  backend: Backend = defaultBackend(),
): Tensor {
  return full(shape, 0, dtype, backend);
}

/**
 * Ones. @example
 * ```ts
 * ones([3]).dataSync(); // [1, 1, 1]
 * ```
 */
export function ones(
  shape: readonly number[],
  dtype: DType = 'f32',
  backend: Backend = defaultBackend(),
): Tensor {
  return full(shape, 1, dtype, backend);
}

/** Zeros shaped, typed and placed like `t`. @example `zerosLike(w)` */
export function zerosLike(t: Tensor, dtype: DType = t.dtype): Tensor {
  return full(t.shape, 0, dtype, t.backend);
}

/** Ones like `t`. @example `onesLike(loss)` */
export function onesLike(t: Tensor, dtype: DType = t.dtype): Tensor {
  return full(t.shape, 1, dtype, t.backend);
}

/** `value` everywhere, like `t`. @example `fullLike(x, -Infinity)` */
export function fullLike(t: Tensor, value: number, dtype: DType = t.dtype): Tensor {
  return full(t.shape, value, dtype, t.backend);
}

/**
 * start, start+step, ... below `end` (torch.arange); `arange(n)` is 0..n−1.
 *
 * @example
 * ```ts
 * arange(5).dataSync(); // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25).dataSync(); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(
  start: number,
  end?: number,
  step = 1,
  dtype: DType = 'f32',
  backend: Backend = defaultBackend(),
): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  requireNumber('arange', end === undefined ? 'end' : 'start', s);
  requireNumber('arange', 'end', e);
  if (typeof step !== 'number' || step === 0 || !Number.isFinite(step)) {
    throw new ArgumentError({
      operation: 'arange',
      expected: 'a finite non-zero step',
      found: describeValue(step),
      hint: 'a negative step counts down: arange(5, 0, -1)',
    });
  }
  const size = Math.max(0, Math.ceil((e - s) / step));
  if (!Number.isSafeInteger(size) || size > 2 ** 32) {
    throw new ShapeError({
      operation: 'arange',
      expected: 'at most 2^32 values',
      found: `${size} values from ${s} to ${e} by ${step}`,
      hint: 'check the start, end and step',
    });
  }
  const dt = requireDTypeArg('arange', dtype);
  return runOp('arange', requireBackend('arange', backend), {}, {}, { start: s, step, size, dtype: dt }).y;
}

function floatDType(op: string, dtype: DType): FloatDType {
  const dt = requireDTypeArg(op, dtype);
  if (!isFloatDType(dt)) {
    throw new DTypeError({ operation: op, expected: 'a float dtype', found: dt, hint: "use 'f32'" });
  }
  return dt;
}

/**
 * Uniform numbers in [low, high) drawn from `gen` (advances its offset by ⌈n/4⌉).
 *
 * @example
 * ```ts
 * const g = new RandomGenerator(0);
 * rand([2, 2], g).shape; // [2, 2]
 * ```
 */
export function rand(
  shape: readonly number[],
  gen: PhiloxStream,
  dtype: DType = 'f32',
  backend: Backend = defaultBackend(),
  low = 0,
  high = 1,
): Tensor {
  requireGenerator('rand', gen);
  requireNumber('rand', 'low', low);
  requireNumber('rand', 'high', high, { min: low, hint: 'values are drawn from [low, high): low ≤ high' });
  const offset = gen.offset;
  const sh = requireShapeArg('rand', shape);
  const attrs = { shape: sh, dtype: floatDType('rand', dtype), seed: gen.seed, offset, low, high };
  const { y } = runOp('randomUniform', requireBackend('rand', backend), {}, {}, attrs);
  gen.offset = offset + uniformCounters(sizeOf(sh));
  return y;
}

/**
 * Normal numbers (mean, std) drawn from `gen` (advances its offset by ⌈n/2⌉).
 *
 * @example
 * ```ts
 * randn([768, 768], new RandomGenerator(1), 'f32', backend, 0, 0.02);
 * ```
 */
export function randn(
  shape: readonly number[],
  gen: PhiloxStream,
  dtype: DType = 'f32',
  backend: Backend = defaultBackend(),
  mean = 0,
  std = 1,
): Tensor {
  requireGenerator('randn', gen);
  requireNumber('randn', 'mean', mean);
  requireNumber('randn', 'std', std, { min: 0, hint: 'the standard deviation cannot be negative' });
  const offset = gen.offset;
  const sh = requireShapeArg('randn', shape);
  const attrs = { shape: sh, dtype: floatDType('randn', dtype), seed: gen.seed, offset, mean, std };
  const { y } = runOp('randomNormal', requireBackend('randn', backend), {}, {}, attrs);
  gen.offset = offset + normalCounters(sizeOf(sh));
  return y;
}
