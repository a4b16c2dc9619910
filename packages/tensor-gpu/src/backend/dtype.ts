/**
 * Element types of tensor-gpu and the typed arrays that hold them on the host.
 *
 * | dtype | bytes | host array     | where                                  |
 * |-------|-------|----------------|----------------------------------------|
 * | f32   | 4     | Float32Array   | everywhere (the default)               |
 * | f16   | 2     | Uint16Array*   | WebGPU with `shader-f16`; CPU stores bits |
 * | i32   | 4     | Int32Array     | token ids, indices                     |
 * | u32   | 4     | Uint32Array    | raw random bits, counters              |
 * | f64   | 8     | Float64Array   | CPU backend only (gradchecks)          |
 *
 * `*` f16 travels as its IEEE half bit pattern in a Uint16Array (JavaScript has no Float16Array in
 * Node 20); `toF16Bits` / `fromF16Bits` convert.
 */
import { DTypeError } from '../errors.js';

/** An element type. `f64` exists on the CPU backend only. */
export type DType = 'f32' | 'f16' | 'i32' | 'u32' | 'f64';

/** Floating-point element types (the ones autograd can differentiate). */
export type FloatDType = 'f32' | 'f16' | 'f64';

/** Every dtype, in a stable order. */
export const DTYPES: readonly DType[] = ['f32', 'f16', 'i32', 'u32', 'f64'];

/** The host typed array of each dtype. */
export interface DTypeArrayMap {
  f32: Float32Array;
  f16: Uint16Array;
  i32: Int32Array;
  u32: Uint32Array;
  f64: Float64Array;
}

/** Any host array a tensor's data can live in. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint16Array;

/** Arrays whose elements are real numbers a kernel can do float math on. */
export type FloatArray = Float32Array | Float64Array;

/** Bytes per element: `bytesPerElement('f16') === 2`. */
export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case 'f16':
      return 2;
    case 'f64':
      return 8;
    default:
      return 4;
  }
}

/** True for f32, f16 and f64. */
export function isFloatDType(dtype: DType): dtype is FloatDType {
  return dtype === 'f32' || dtype === 'f16' || dtype === 'f64';
}

/** True for i32 and u32. */
export function isIntDType(dtype: DType): boolean {
  return dtype === 'i32' || dtype === 'u32';
}

/** A string is a dtype name. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/**
 * A new zero-filled host array for `n` elements of `dtype`.
 *
 * @example
 * ```ts
 * allocArray('i32', 3); // Int32Array [0, 0, 0]
 * ```
 */
export function allocArray<D extends DType>(dtype: D, n: number): DTypeArrayMap[D] {
  switch (dtype) {
    case 'f32':
      return new Float32Array(n) as DTypeArrayMap[D];
    case 'f16':
      return new Uint16Array(n) as DTypeArrayMap[D];
    case 'i32':
      return new Int32Array(n) as DTypeArrayMap[D];
    case 'u32':
      return new Uint32Array(n) as DTypeArrayMap[D];
    default:
      return new Float64Array(n) as DTypeArrayMap[D];
  }
}

/**
 * The dtype whose host array type `a` is (Uint16Array → f16); DTypeError for any other array.
 *
 * @example
 * ```ts
 * dtypeOfArray(new Int32Array(2)); // 'i32'
 * ```
 */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Uint16Array) return 'f16';
  throw new DTypeError({
    operation: 'dtypeOfArray',
    expected: 'a Float32Array, Float64Array, Int32Array, Uint32Array or Uint16Array (f16 bits)',
    found: `a ${(a as object)?.constructor?.name ?? typeof a}`,
    hint: 'convert it first, e.g. Float32Array.from(a)',
  });
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * IEEE 754 half-precision bits of `x`, rounded to nearest even (what `torch.tensor(x).half()` gives).
 *
 * @example
 * ```ts
 * toF16Bits(1); // 0x3c00
 * toF16Bits(65520); // 0x7c00 (overflows to +inf)
 * ```
 */
export function toF16Bits(x: number): number {
  f32Scratch[0] = x;
  const bits = u32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // inf / nan
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit 1 in and round to nearest even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1) === 1)) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1) === 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/**
 * The number whose IEEE half bits are `h`.
 *
 * @example
 * ```ts
 * fromF16Bits(0x3c00); // 1
 * fromF16Bits(0xc000); // -2
 * ```
 */
export function fromF16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
