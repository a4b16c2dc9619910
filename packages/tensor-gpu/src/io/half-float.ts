/**
 * Half-precision conversions: IEEE 754 binary16 (`f16`) and bfloat16 (`bf16`) to and from float32.
 *
 * Both are 16-bit patterns stored in a `Uint16Array`:
 *
 * ```
 *            sign  exponent  mantissa
 * f16        1     5 (bias 15)  10      1.0 = 0x3c00, 65504 (max) = 0x7bff, 2^-24 (min subnormal) = 0x0001
 * bf16       1     8 (bias 127)  7      1.0 = 0x3f80, the top half of a float32's bits
 * ```
 *
 * float32 → 16 bits rounds to nearest, ties to even (what PyTorch's `.half()` / `.bfloat16()` do), so
 * `1/3` (0x3eaaaaab in f32) becomes f16 0x3555 (0.333251953125) and bf16 0x3eab (0.333984375).
 * Overflow gives ±Infinity (f16: anything ≥ 65520 rounds up to Infinity), NaN stays NaN (quiet).
 * 16 bits → float32 is exact: every f16 and bf16 value is a float32 value.
 *
 * The scalar f16 conversions are `toF16Bits` / `fromF16Bits` in `backend/dtype.ts`; this file adds
 * bfloat16 and the array versions the safetensors reader and writer use.
 */

import { fromF16Bits, toF16Bits } from '../backend/dtype.js';

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/**
 * Rounds a number to the nearest bfloat16 value (ties to even) and returns its 16-bit pattern.
 *
 * @example
 * ```ts
 * f32ToBf16Bits(1);     // 0x3f80
 * f32ToBf16Bits(1 / 3); // 0x3eab
 * ```
 */
export function f32ToBf16Bits(x: number): number {
  scratchF32[0] = x;
  const bits = scratchU32[0]!;
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    return ((bits >>> 16) | 0x40) & 0xffff; // NaN: keep sign and top payload, force quiet
  }
  // Adding 0x7fff plus the lowest kept bit rounds to nearest, ties to even, in one integer add.
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * The float32 value of a bfloat16 bit pattern (exact: the pattern becomes the top half of the float32).
 *
 * @example
 * ```ts
 * bf16BitsToF32(0x3eab); // 0.333984375
 * ```
 */
export function bf16BitsToF32(b: number): number {
  scratchU32[0] = (b & 0xffff) << 16;
  return scratchF32[0]!;
}

let f16Table: Float32Array | undefined;

/** All 65,536 f16 values, built once on first use (256 KiB), so array decoding is one lookup each. */
function f16LookupTable(): Float32Array {
  if (f16Table === undefined) {
    const table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = fromF16Bits(h);
    f16Table = table;
  }
  return f16Table;
}

/**
 * Decodes an array of f16 bit patterns into float32 values.
 *
 * @example
 * ```ts
 * decodeF16(new Uint16Array([0x3c00, 0xc000])); // Float32Array [1, -2]
 * ```
 */
export function decodeF16(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const table = f16LookupTable();
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
  return out;
}

/**
 * Encodes numbers as f16 bit patterns (round to nearest even).
 *
 * @example
 * ```ts
 * encodeF16(new Float32Array([1, -2])); // Uint16Array [0x3c00, 0xc000]
 * ```
 */
export function encodeF16(
  src: ArrayLike<number>,
  out: Uint16Array = new Uint16Array(src.length),
): Uint16Array {
  for (let i = 0; i < src.length; i++) out[i] = toF16Bits(src[i]!);
  return out;
}

/**
 * Decodes an array of bf16 bit patterns into float32 values.
 *
 * @example
 * ```ts
 * decodeBf16(new Uint16Array([0x3f80, 0xc000])); // Float32Array [1, -2]
 * ```
 */
export function decodeBf16(src: Uint16Array, out: Float32Array = new Float32Array(src.length)): Float32Array {
  const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) outBits[i] = src[i]! << 16;
  return out;
}

/**
 * Encodes numbers as bf16 bit patterns (round to nearest even).
 *
 * @example
 * ```ts
 * encodeBf16(new Float32Array([1, -2])); // Uint16Array [0x3f80, 0xc000]
 * ```
 */
export function encodeBf16(
  src: ArrayLike<number>,
  out: Uint16Array = new Uint16Array(src.length),
): Uint16Array {
  if (src instanceof Float32Array) {
    // Fast path: work on the float32 bits directly.
    const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
    for (let i = 0; i < bits.length; i++) {
      const b = bits[i]!;
      out[i] =
        (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0
          ? ((b >>> 16) | 0x40) & 0xffff
          : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
    }
    return out;
  }
  for (let i = 0; i < src.length; i++) out[i] = f32ToBf16Bits(src[i]!);
  return out;
}
