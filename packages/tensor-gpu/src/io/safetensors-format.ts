/**
 * The safetensors format (Hugging Face's tensor file), its dtypes and the types the readers and
 * writers of this folder share.
 *
 * Layout of a file (all little-endian):
 *
 * ```
 * bytes 0..8        N, the header length, as a u64
 * bytes 8..8+N      the header: UTF-8 JSON, padded with spaces
 *                   {"__metadata__": {"format": "pt"},
 *                    "wte.weight": {"dtype": "F32", "shape": [98, 48], "data_offsets": [0, 18816]}, ...}
 * bytes 8+N..       the data region; data_offsets are [begin, end) byte offsets into it, row-major
 * ```
 *
 * Worked example: one F32 tensor `[1, 2]` of shape (2) is the header
 * `{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}` (53 bytes, padded to 56 so the data is
 * 8-byte aligned), so the file is 8 + 56 + 8 = 72 bytes.
 *
 * Reading converts to the host arrays tensors use: F32/F16/BF16/F64 → Float32Array (F16/BF16 widen
 * exactly; F64 narrows, or stays Float64Array with `float64: 'f64'`), I32 → Int32Array, I64 → Int32Array
 * with a range check (or BigInt64Array with `int64: 'bigint'`), U8 → Uint8Array. Writing takes F32,
 * F16, BF16 and I32 (numbers are rounded to nearest even for the 16-bit types).
 *
 * This file holds the format's vocabulary (dtypes, header entries, what reading returns and what
 * writing takes); the header, decoding and encoding each have their own file beside it.
 */

import { SafetensorsError } from './safetensors-error.js';

/** The dtypes this package reads. */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8' | 'F64';

/** The dtypes this package writes. */
export type SafetensorsWriteDType = 'F32' | 'F16' | 'BF16' | 'I32';

/** The bytes per element of every dtype in the safetensors spec (readable or not). */
export const ITEM_SIZE: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** The dtypes `decodeTensor` converts. */
export const READABLE = new Set<string>(['F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'F64']);
/** The dtypes `prepareTensors` encodes. */
export const WRITABLE = new Set<string>(['F32', 'F16', 'BF16', 'I32']);

/** Largest header accepted (the reference implementation's limit): 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's description in the header. */
export interface SafetensorsHeaderEntry {
  /** The dtype as written in the file (may be one this package cannot read, e.g. `F8_E4M3`). */
  dtype: string;
  shape: number[];
  /** [begin, end) byte offsets into the data region. */
  dataOffsets: [number, number];
}

/** A parsed header: tensor entries in file order, the `__metadata__` strings, where data starts. */
export interface SafetensorsHeader {
  tensors: Map<string, SafetensorsHeaderEntry>;
  metadata: Record<string, string>;
  /** Byte offset of the data region from the start of the file (8 + header length). */
  dataStart: number;
  /** Length of the data region in bytes. */
  dataBytes: number;
}

/** A tensor read from a file, converted to a host array. */
export interface SafetensorsTensor {
  /** The dtype in the file (the array type follows from it and the read options). */
  dtype: SafetensorsDType;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;
}

/** How to convert what is read. */
export interface SafetensorsReadOptions {
  /** I64 → `i32` (Int32Array, throws if a value does not fit; default) or `bigint` (BigInt64Array). */
  int64?: 'i32' | 'bigint';
  /** F64 → `f32` (Float32Array, default) or `f64` (Float64Array, for the CPU backend's f64 dtype). */
  float64?: 'f32' | 'f64';
  /** F16/BF16 → `f32` (Float32Array, default) or `bits` (the raw Uint16Array, e.g. for f16 tensors). */
  half?: 'f32' | 'bits';
}

/** A tensor to write. F16/BF16 take numbers (rounded) or a Uint16Array of ready bit patterns. */
export interface SafetensorsTensorInput {
  dtype: SafetensorsWriteDType;
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** Tensors to write: a Map or a plain object, name → tensor, written in iteration order. */
export type SafetensorsInput =
  | ReadonlyMap<string, SafetensorsTensorInput>
  | Readonly<Record<string, SafetensorsTensorInput>>;

/** The result of a whole-file read: name → tensor in file order, plus the `__metadata__` strings. */
export class SafetensorsMap extends Map<string, SafetensorsTensor> {
  /** The header's `__metadata__` (empty object when absent). */
  metadata: Record<string, string> = {};
}

/** A validated tensor ready to be written: its header entry and a function producing its bytes. */
export interface EncodedTensor {
  name: string;
  dtype: SafetensorsWriteDType;
  shape: number[];
  byteLength: number;
  /** The tensor's little-endian bytes, `chunkElements` elements at a time (bounded extra memory). */
  chunks(chunkElements?: number): Iterable<Uint8Array>;
}

/** A SafetensorsError naming the operation, the file and (when given) the tensor. */
export function fail(
  operation: string,
  file: string,
  expected: string,
  found: string,
  hint: string,
  tensor?: string,
) {
  return new SafetensorsError({
    operation,
    file,
    expected,
    found,
    hint,
    ...(tensor === undefined ? {} : { tensor }),
  });
}

/** Safetensors data is little-endian; so are typed arrays on every host we support (checked). */
export function checkLittleEndian(operation: string, file: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw fail(operation, file, 'a little-endian host', 'big-endian', 'safetensors data is little-endian');
  }
}
