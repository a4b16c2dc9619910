/**
 * The safetensors header, both ways: the u64 length, the JSON (every entry checked: dtype, shape,
 * offsets that tile the data region exactly, as the reference implementation requires), and the
 * padded bytes a writer puts in front of the data.
 */
import { sizeOf } from '../backend/contract/shape.js';
import { SafetensorsError } from './safetensors-error.js';
import {
  type EncodedTensor,
  fail,
  ITEM_SIZE,
  MAX_HEADER_BYTES,
  type SafetensorsHeader,
  type SafetensorsHeaderEntry,
} from './safetensors-format.js';

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
    const bytes = sizeOf(shape) * ITEM_SIZE[e.dtype]!;
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
