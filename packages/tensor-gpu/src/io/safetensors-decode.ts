/**
 * Reading: one tensor's little-endian bytes → a host array (F16/BF16 widened exactly, F64 and I64
 * narrowed with a check unless asked to keep them), and a whole file held in memory → a
 * `SafetensorsMap`.
 */
import { sizeOf } from '../backend/contract/shape.js';
import { decodeBf16, decodeF16 } from './half-float.js';
import {
  checkLittleEndian,
  fail,
  READABLE,
  type SafetensorsDType,
  type SafetensorsHeaderEntry,
  SafetensorsMap,
  type SafetensorsReadOptions,
  type SafetensorsTensor,
} from './safetensors-format.js';
import { parseHeader, readHeaderLength } from './safetensors-header.js';

/**
 * Converts one tensor's raw little-endian bytes to its host array.
 *
 * @example
 * ```ts
 * const raw = new Uint8Array(new Float32Array([1, 2]).buffer);
 * decodeTensor('x', { dtype: 'F32', shape: [2], dataOffsets: [0, 8] }, raw, 'x.safetensors').data;
 * // Float32Array [1, 2]
 * ```
 */
export function decodeTensor(
  name: string,
  entry: SafetensorsHeaderEntry,
  raw: Uint8Array,
  file: string,
  options: SafetensorsReadOptions = {},
  owned = false,
): SafetensorsTensor {
  const { dtype, shape } = entry;
  if (!READABLE.has(dtype)) {
    throw fail(
      'readTensor',
      file,
      `a dtype among ${[...READABLE].join(', ')}`,
      dtype,
      'convert the file (e.g. to F32) before loading',
      name,
    );
  }
  checkLittleEndian('readTensor', file);
  const n = sizeOf(shape);
  // Typed arrays need an aligned start, and the data region need not be aligned: copy, unless the
  // caller hands over a fresh buffer holding exactly this tensor (the file reader does).
  const take = (byteLength: number): ArrayBuffer => {
    const buf = raw.buffer;
    if (owned && buf instanceof ArrayBuffer && raw.byteOffset === 0 && raw.byteLength === buf.byteLength)
      return buf;
    return new Uint8Array(raw.subarray(0, byteLength)).buffer;
  };
  const d = dtype as SafetensorsDType;
  switch (d) {
    case 'F32':
      return { dtype: d, shape, data: new Float32Array(take(4 * n)) };
    case 'I32':
      return { dtype: d, shape, data: new Int32Array(take(4 * n)) };
    case 'U8':
      return { dtype: d, shape, data: new Uint8Array(take(n)) };
    case 'F16':
    case 'BF16': {
      const bits = new Uint16Array(take(2 * n));
      if (options.half === 'bits') return { dtype: d, shape, data: bits };
      return { dtype: d, shape, data: d === 'F16' ? decodeF16(bits) : decodeBf16(bits) };
    }
    case 'F64': {
      const f64 = new Float64Array(take(8 * n));
      return { dtype: d, shape, data: options.float64 === 'f64' ? f64 : Float32Array.from(f64) };
    }
    case 'I64': {
      if (options.int64 === 'bigint') return { dtype: d, shape, data: new BigInt64Array(take(8 * n)) };
      // Each i64 is (low, high) as two i32 words; it fits in i32 exactly when high is low's sign extension.
      const words = new Int32Array(take(8 * n));
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const lo = words[2 * i]!;
        if (words[2 * i + 1] !== lo >> 31) {
          const value = new BigInt64Array(words.buffer, 8 * i, 1)[0];
          throw fail(
            'readTensor',
            file,
            'I64 values within the i32 range [-2147483648, 2147483647]',
            `${value} at flat index ${i}`,
            "read with { int64: 'bigint' } to keep 64-bit values",
            name,
          );
        }
        out[i] = lo;
      }
      return { dtype: d, shape, data: out };
    }
  }
}

/**
 * Decodes a whole safetensors file held in memory.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ x: { dtype: 'F32', shape: [2], data: [1, 2] } }, { format: 'pt' });
 * const m = decodeSafetensors(bytes);
 * m.get('x')?.data; // Float32Array [1, 2]
 * m.metadata;       // { format: 'pt' }
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: SafetensorsReadOptions & { file?: string } = {},
): SafetensorsMap {
  const file = options.file ?? '<bytes>';
  const headerLength = readHeaderLength(bytes.subarray(0, 8), file, bytes.length);
  const dataStart = 8 + headerLength;
  const header = parseHeader(bytes.subarray(8, dataStart), file, bytes.length - dataStart);
  const out = new SafetensorsMap();
  out.metadata = header.metadata;
  for (const [name, entry] of header.tensors) {
    const [begin, end] = entry.dataOffsets;
    out.set(
      name,
      decodeTensor(name, entry, bytes.subarray(dataStart + begin, dataStart + end), file, options),
    );
  }
  return out;
}
