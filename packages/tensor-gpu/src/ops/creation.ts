/**
 * Creating tensors: from host data (`tensor`), constants (`zeros`, `ones`, `full`, `arange`, and the
 * `*Like` forms), and random draws from a seeded generator (`rand`, `randn`) computed on the device
 * with the counter-based Philox stream (the generator's offset advances by the counters used).
 *
 * Without a backend argument tensors go to `defaultBackend()`, a CPU backend created on first use.
 */
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
import { DTypeError, formatShape, ShapeError } from '../errors.js';
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

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = (cur as readonly NestedArray[])[0] ?? 0;
  }
  return shape;
}

function flatten(data: NestedArray, out: number[]): void {
  if (typeof data === 'number') out.push(data);
  else for (const d of data) flatten(d, out);
}

/**
 * A tensor holding `data`: a number, nested arrays, or a typed array (f16 data as numbers).
 * `shape` defaults to the nesting (or `[length]`); `dtype` to the typed array's (else `f32`).
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]]).shape; // [2, 2]
 * tensor(new Int32Array([5, 6]), [2], 'i32', backend);
 * ```
 */
export function tensor(
  data: NestedArray | TypedArray | readonly number[],
  shape?: readonly number[],
  dtype?: DType,
  backend: Backend = defaultBackend(),
): Tensor {
  const isTyped = ArrayBuffer.isView(data);
  const dt: DType = dtype ?? (isTyped ? dtypeOfArray(data as TypedArray) : 'f32');
  let values: ArrayLike<number>;
  let inferred: number[];
  if (isTyped) {
    values = data as TypedArray;
    inferred = [(data as TypedArray).length];
  } else {
    const flat: number[] = [];
    flatten(data as NestedArray, flat);
    values = flat;
    inferred = inferShape(data as NestedArray);
  }
  const sh = shape ? [...shape] : inferred;
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
    const fromBits = isTyped && dtypeOfArray(data as TypedArray) === 'f16';
    for (let i = 0; i < values.length; i++) host[i] = fromBits ? values[i]! : toF16Bits(values[i]!);
  } else {
    host.set(values);
  }
  const t = Tensor._allocate(backend, sh, dt);
  backend.write(t._storageHandle(), host);
  return t;
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
  return runOp('fill', backend, {}, {}, { shape: [...shape], dtype, value }).y;
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
  if (step === 0 || !Number.isFinite(step)) {
    throw new ShapeError({ operation: 'arange', expected: 'a finite non-zero step', found: String(step) });
  }
  const size = Math.max(0, Math.ceil((e - s) / step));
  return runOp('arange', backend, {}, {}, { start: s, step, size, dtype }).y;
}

function floatDType(op: string, dtype: DType): FloatDType {
  if (!isFloatDType(dtype)) {
    throw new DTypeError({ operation: op, expected: 'a float dtype', found: dtype, hint: "use 'f32'" });
  }
  return dtype;
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
  const offset = gen.offset;
  const attrs = { shape: [...shape], dtype: floatDType('rand', dtype), seed: gen.seed, offset, low, high };
  const { y } = runOp('randomUniform', backend, {}, {}, attrs);
  gen.offset = offset + uniformCounters(sizeOf(shape));
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
  const offset = gen.offset;
  const attrs = { shape: [...shape], dtype: floatDType('randn', dtype), seed: gen.seed, offset, mean, std };
  const { y } = runOp('randomNormal', backend, {}, {}, attrs);
  gen.offset = offset + normalCounters(sizeOf(shape));
  return y;
}
