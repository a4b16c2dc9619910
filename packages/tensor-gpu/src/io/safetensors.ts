/**
 * safetensors: the Hugging Face tensor file format, read and written without dependencies.
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
 * This file works on bytes and runs anywhere; `safetensors-file.ts` streams files tensor by tensor
 * with a file handle (Node only). `loadSafetensors` / `saveSafetensors` accept either.
 */

import { decodeBf16, decodeF16, encodeBf16, encodeF16 } from './half-float.js';
import { SafetensorsError } from './safetensors-error.js';

/** The dtypes this package reads. */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64' | 'U8' | 'F64';

/** The dtypes this package writes. */
export type SafetensorsWriteDType = 'F32' | 'F16' | 'BF16' | 'I32';

/** The bytes per element of every dtype in the safetensors spec (readable or not). */
const ITEM_SIZE: Record<string, number> = {
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

const READABLE = new Set<string>(['F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'F64']);
const WRITABLE = new Set<string>(['F32', 'F16', 'BF16', 'I32']);

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

function fail(
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

function checkLittleEndian(operation: string, file: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw fail(operation, file, 'a little-endian host', 'big-endian', 'safetensors data is little-endian');
  }
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Reads the u64 header length from the first 8 bytes of a file.
 *
 * @example
 * ```ts
 * readHeaderLength(new Uint8Array([56, 0, 0, 0, 0, 0, 0, 0]), 'x.safetensors'); // 56
 * ```
 */
export function readHeaderLength(first8: Uint8Array, file: string, fileBytes?: number): number {
  if (first8.length < 8) {
    throw fail(
      'readHeader',
      file,
      'at least 8 bytes (the header length)',
      `${first8.length} bytes`,
      'is this a safetensors file?',
    );
  }
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw fail(
      'readHeader',
      file,
      `a header length <= ${MAX_HEADER_BYTES} bytes`,
      `${n}`,
      'is this a safetensors file?',
    );
  }
  const len = Number(n);
  if (fileBytes !== undefined && 8 + len > fileBytes) {
    throw fail(
      'readHeader',
      file,
      `a header that fits in the ${fileBytes}-byte file`,
      `header length ${len}`,
      'the file is truncated or not safetensors',
    );
  }
  return len;
}

/**
 * Parses and validates the JSON header. Checks every entry's dtype, shape and offsets, that each
 * tensor's byte length matches dtype × shape, and that the tensors tile the data region exactly (no
 * gaps, no overlaps), as the reference implementation does.
 *
 * @param json the header bytes (after the 8-byte length)
 * @param dataBytes the length of the data region (file size − 8 − header length)
 *
 * @example
 * ```ts
 * const json = new TextEncoder().encode('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
 * parseHeader(json, 'x.safetensors', 8).tensors.get('x')?.shape; // [2]
 * ```
 */
export function parseHeader(json: Uint8Array, file: string, dataBytes: number): SafetensorsHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (cause) {
    throw new SafetensorsError({
      operation: 'readHeader',
      file,
      expected: 'a UTF-8 JSON header',
      found: String((cause as Error).message ?? cause),
      hint: 'the file is corrupt or not safetensors',
      cause,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail(
      'readHeader',
      file,
      'a JSON object header',
      JSON.stringify(parsed)?.slice(0, 40) ?? 'nothing',
      'the file is corrupt',
    );
  }
  const tensors = new Map<string, SafetensorsHeaderEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw fail(
          'readHeader',
          file,
          '__metadata__ an object of strings',
          JSON.stringify(value),
          'metadata maps string keys to string values',
        );
      }
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') {
          throw fail(
            'readHeader',
            file,
            `__metadata__.${k} a string`,
            JSON.stringify(v),
            'metadata maps string keys to string values',
          );
        }
      }
      metadata = { ...(value as Record<string, string>) };
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null || typeof e.dtype !== 'string' || !(e.dtype in ITEM_SIZE)) {
      throw fail(
        'readHeader',
        file,
        `a dtype among ${Object.keys(ITEM_SIZE).join(', ')}`,
        JSON.stringify(e?.dtype),
        'the header is corrupt',
        name,
      );
    }
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw fail(
        'readHeader',
        file,
        'shape an array of integers >= 0',
        JSON.stringify(e.shape),
        'the header is corrupt',
        name,
      );
    }
    const off = e.data_offsets;
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      off[0] > off[1]
    ) {
      throw fail(
        'readHeader',
        file,
        'data_offsets [begin, end] with 0 <= begin <= end',
        JSON.stringify(off),
        'the header is corrupt',
        name,
      );
    }
    const shape = e.shape as number[];
    const bytes = numel(shape) * ITEM_SIZE[e.dtype]!;
    if (off[1] - off[0] !== bytes) {
      throw fail(
        'readHeader',
        file,
        `${bytes} bytes for ${e.dtype} (${shape.join(',')})`,
        `data_offsets [${off[0]}, ${off[1]}] (${off[1] - off[0]} bytes)`,
        'the header is corrupt',
        name,
      );
    }
    tensors.set(name, { dtype: e.dtype, shape: [...shape], dataOffsets: [off[0], off[1]] });
  }
  // The tensors must tile [0, dataBytes) exactly.
  const spans = [...tensors.entries()].sort(
    (a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  let cursor = 0;
  for (const [name, entry] of spans) {
    const [begin, end] = entry.dataOffsets;
    if (begin !== cursor) {
      throw fail(
        'readHeader',
        file,
        `data starting at byte ${cursor} (tensors tile the data region)`,
        `data_offsets [${begin}, ${end}]`,
        begin < cursor ? 'two tensors overlap' : 'there is a gap before this tensor',
        name,
      );
    }
    cursor = end;
  }
  if (cursor !== dataBytes) {
    throw fail(
      'readHeader',
      file,
      `a data region of ${cursor} bytes (the end of the last tensor)`,
      `${dataBytes} bytes`,
      cursor > dataBytes ? 'the file is truncated' : 'the file has trailing bytes',
    );
  }
  return { tensors, metadata, dataStart: 8 + json.length, dataBytes };
}

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
  const n = numel(shape);
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

/** A validated tensor ready to be written: its header entry and a function producing its bytes. */
export interface EncodedTensor {
  name: string;
  dtype: SafetensorsWriteDType;
  shape: number[];
  byteLength: number;
  /** The tensor's little-endian bytes, `chunkElements` elements at a time (bounded extra memory). */
  chunks(chunkElements?: number): Iterable<Uint8Array>;
}

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
    const n = numel(t.shape);
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
 * The header bytes (JSON padded with spaces to a multiple of 8, so the data region is 8-byte aligned)
 * preceded by the u64 length, for tensors laid out in order.
 *
 * @example
 * ```ts
 * encodeHeader(prepareTensors({ x: { dtype: 'F32', shape: [2], data: [1, 2] } }, 'x'), {}).length; // 64
 * ```
 */
export function encodeHeader(
  tensors: readonly EncodedTensor[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') {
      throw fail(
        'saveSafetensors',
        '<header>',
        `metadata.${k} a string`,
        JSON.stringify(v),
        'metadata maps string keys to string values',
      );
    }
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.byteLength] };
    offset += t.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
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

/**
 * Reads every tensor of a safetensors file (a path, read tensor by tensor with a file handle; Node
 * only) or of bytes already in memory.
 *
 * @example
 * ```ts
 * const weights = await loadSafetensors('model.safetensors');
 * for (const [name, t] of weights) console.log(name, t.dtype, t.shape);
 * ```
 */
export async function loadSafetensors(
  source: string | Uint8Array,
  options: SafetensorsReadOptions = {},
): Promise<SafetensorsMap> {
  if (typeof source !== 'string') return decodeSafetensors(source, options);
  const { SafetensorsFile } = await import('./safetensors-file.js');
  const f = await SafetensorsFile.open(source);
  try {
    const out = new SafetensorsMap();
    out.metadata = f.metadata;
    for (const name of f.names) out.set(name, await f.read(name, options));
    return out;
  } finally {
    await f.close();
  }
}

/**
 * Writes tensors to a safetensors file atomically: tensor by tensor into a temporary file beside the
 * target, then a rename (Node only).
 *
 * @example
 * ```ts
 * await saveSafetensors('out.safetensors', { x: { dtype: 'F32', shape: [2], data: [1, 2] } }, { format: 'pt' });
 * ```
 */
export async function saveSafetensors(
  path: string,
  tensors: SafetensorsInput,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const { writeSafetensorsFile } = await import('./safetensors-file.js');
  await writeSafetensorsFile(path, tensors, metadata);
}
