/**
 * safetensors, Hugging Face's tensor file format, read and written without dependencies. Start here:
 * `loadSafetensors(source)` reads bytes, a `Blob`/`File` or a `Response` (anywhere: a browser or
 * Node); `encodeSafetensors` writes bytes. The Node entry (`@llmforge/tensor-gpu/node`) adds paths:
 * `loadSafetensors(path)` and `saveSafetensors(path, ...)` stream a file tensor by tensor. The pieces,
 * in the order a file is read:
 *
 * | file                     | what                                                                  |
 * |--------------------------|-----------------------------------------------------------------------|
 * | `safetensors-format.ts`  | the file layout, dtypes, and the types the readers and writers share  |
 * | `safetensors-header.ts`  | the u64 length and the JSON header, read (validated) and written      |
 * | `safetensors-decode.ts`  | bytes → host arrays, one tensor or a whole file in memory             |
 * | `safetensors-encode.ts`  | host arrays → bytes, validated and chunked; a whole file in memory    |
 * | `binary-source.ts`       | bytes from a Uint8Array, ArrayBuffer, Blob/File or Response           |
 * | `safetensors-reader.ts`  | a source opened for reading one tensor at a time (Blobs by slices)    |
 * | `tensor-io.ts`           | Tensors and Modules in and out (state dicts), from any source         |
 * | `safetensors-file.ts`    | Node: a file handle that reads one tensor at a time; atomic writes    |
 * | `node-files.ts`          | Node: the path versions of the loaders, and the savers                |
 */

import type { BinarySource } from './binary-source.js';
import { SafetensorsMap, type SafetensorsReadOptions } from './safetensors-format.js';
import { openSafetensors, type SafetensorsReader } from './safetensors-reader.js';

/** Reads every tensor of an open reader into a {@link SafetensorsMap}, then closes it. */
export async function readAll(
  reader: SafetensorsReader,
  options: SafetensorsReadOptions,
): Promise<SafetensorsMap> {
  try {
    const out = new SafetensorsMap();
    out.metadata = reader.metadata;
    for (const name of reader.names) out.set(name, await reader.read(name, options));
    return out;
  } finally {
    await reader.close();
  }
}

/**
 * Reads every tensor of a safetensors source: bytes in memory, a `Blob`/`File` (from a file picker or
 * a drop) or a fetched `Response`. A file path needs the Node entry's `loadSafetensors`.
 *
 * @example
 * ```ts
 * const weights = await loadSafetensors(await fetch('/gpt2-tiny/model.safetensors'));
 * for (const [name, t] of weights) console.log(name, t.dtype, t.shape);
 * ```
 */
export async function loadSafetensors(
  source: BinarySource,
  options: SafetensorsReadOptions & { file?: string } = {},
): Promise<SafetensorsMap> {
  const open = {
    operation: 'loadSafetensors',
    ...(options.file === undefined ? {} : { file: options.file }),
  };
  return readAll(await openSafetensors(source, open), options);
}
