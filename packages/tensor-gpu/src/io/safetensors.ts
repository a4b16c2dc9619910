/**
 * safetensors, Hugging Face's tensor file format, read and written without dependencies. Start here:
 * `loadSafetensors` and `saveSafetensors` take a path (streamed tensor by tensor through a file
 * handle, Node only) or bytes in memory. The pieces, in the order a file is read:
 *
 * | file                     | what                                                                  |
 * |--------------------------|-----------------------------------------------------------------------|
 * | `safetensors-format.ts`  | the file layout, dtypes, and the types the readers and writers share  |
 * | `safetensors-header.ts`  | the u64 length and the JSON header, read (validated) and written      |
 * | `safetensors-decode.ts`  | bytes → host arrays, one tensor or a whole file in memory             |
 * | `safetensors-encode.ts`  | host arrays → bytes, validated and chunked; a whole file in memory    |
 * | `safetensors-file.ts`    | files: a handle that reads one tensor at a time; atomic writes        |
 * | `tensor-io.ts`           | Tensors and Modules in and out (state dicts)                          |
 */

import { decodeSafetensors } from './safetensors-decode.js';
import { SafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import { type SafetensorsInput, SafetensorsMap, type SafetensorsReadOptions } from './safetensors-format.js';

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
  await writeSafetensorsFile(path, tensors, metadata);
}
