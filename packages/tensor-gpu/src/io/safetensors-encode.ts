/**
 * Writing: tensors are validated and laid out back to back in the given order (`prepareTensors`),
 * each encoded in bounded chunks (F16/BF16 rounded to nearest even), behind the header
 * (`encodeHeader`); `encodeSafetensors` puts a whole file in memory.
 */
import { sizeOf } from '../backend/contract/shape.js';
import { encodeBf16, encodeF16 } from './half-float.js';
import {
  checkLittleEndian,
  type EncodedTensor,
  fail,
  ITEM_SIZE,
  type SafetensorsInput,
  type SafetensorsTensorInput,
  type SafetensorsWriteDType,
  WRITABLE,
} from './safetensors-format.js';
import { encodeHeader } from './safetensors-header.js';

function inputEntries(tensors: SafetensorsInput): [string, SafetensorsTensorInput][] {
  return tensors instanceof Map
    ? [...(tensors as ReadonlyMap<string, SafetensorsTensorInput>).entries()]
    : Object.entries(tensors as Record<string, SafetensorsTensorInput>);
}

/**
 * Validates the tensors to write and lays them out back to back, in the given order.
 *
 * @example
 * ```ts
 * const [t] = prepareTensors({ x: { dtype: 'F16', shape: [3], data: [1, 2, 3] } }, 'x.safetensors');
 * t?.byteLength; // 6
 * ```
 */
export function prepareTensors(tensors: SafetensorsInput, file: string): EncodedTensor[] {
  checkLittleEndian('saveSafetensors', file);
  const out: EncodedTensor[] = [];
  for (const [name, t] of inputEntries(tensors)) {
    if (name === '__metadata__' || name.length === 0) {
      throw fail(
        'saveSafetensors',
        file,
        'a non-empty tensor name other than __metadata__',
        JSON.stringify(name),
        'rename the tensor',
        name,
      );
    }
    if (!WRITABLE.has(t.dtype)) {
      throw fail(
        'saveSafetensors',
        file,
        `a dtype among ${[...WRITABLE].join(', ')}`,
        String(t.dtype),
        'cast the data first',
        name,
      );
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail(
        'saveSafetensors',
        file,
        'shape an array of integers >= 0',
        JSON.stringify(t.shape),
        'pass the tensor shape',
        name,
      );
    }
    const n = sizeOf(t.shape);
    if (t.data.length !== n) {
      throw fail(
        'saveSafetensors',
        file,
        `${n} elements for shape (${t.shape.join(',')})`,
        `${t.data.length}`,
        'data is row-major and dense',
        name,
      );
    }
    const data = t.data;
    const dtype = t.dtype;
    const item = ITEM_SIZE[dtype]!;
    if (dtype === 'I32' && !(data instanceof Int32Array)) {
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
          throw fail(
            'saveSafetensors',
            file,
            'I32 data of integers in the i32 range',
            `${v} at flat index ${i}`,
            'round or cast first',
            name,
          );
        }
      }
    }
    const chunks = function* (chunkElements = 1 << 20): Iterable<Uint8Array> {
      for (let start = 0; start < n; start += chunkElements) {
        const end = Math.min(n, start + chunkElements);
        yield encodeSlice(dtype, data, start, end);
      }
    };
    out.push({ name, dtype, shape: [...t.shape], byteLength: n * item, chunks });
  }
  return out;
}

/** Encodes elements [start, end) of `data` as `dtype` little-endian bytes (a view when no conversion is needed). */
function encodeSlice(
  dtype: SafetensorsWriteDType,
  data: ArrayLike<number>,
  start: number,
  end: number,
): Uint8Array {
  if (dtype === 'F32') {
    const arr =
      data instanceof Float32Array ? data.subarray(start, end) : Float32Array.from(sliceOf(data, start, end));
    return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  if (dtype === 'I32') {
    const arr =
      data instanceof Int32Array ? data.subarray(start, end) : Int32Array.from(sliceOf(data, start, end));
    return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  // F16 / BF16: a Uint16Array is taken as ready bit patterns; numbers are rounded to nearest even.
  let bits: Uint16Array;
  if (data instanceof Uint16Array) bits = data.subarray(start, end);
  else {
    const src =
      data instanceof Float32Array || data instanceof Float64Array
        ? data.subarray(start, end)
        : sliceOf(data, start, end);
    bits = dtype === 'F16' ? encodeF16(src) : encodeBf16(src);
  }
  return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
}

function sliceOf(data: ArrayLike<number>, start: number, end: number): number[] {
  const out = new Array<number>(end - start);
  for (let i = start; i < end; i++) out[i - start] = data[i]!;
  return out;
}

/**
 * Encodes tensors (and optional `__metadata__` strings) as a safetensors file in memory.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(
 *   { w: { dtype: 'BF16', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { format: 'pt' },
 * );
 * decodeSafetensors(bytes).get('w')?.data; // Float32Array [1, 2, 3, 4]
 * ```
 */
export function encodeSafetensors(
  tensors: SafetensorsInput,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const prepared = prepareTensors(tensors, '<bytes>');
  const header = encodeHeader(prepared, metadata);
  const total = header.length + prepared.reduce((s, t) => s + t.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let at = header.length;
  for (const t of prepared) {
    for (const chunk of t.chunks()) {
      out.set(chunk, at);
      at += chunk.length;
    }
  }
  return out;
}
