/**
 * The file side of safetensors I/O (Node only; exported by `@llmforge/tensor-gpu/node`, never by the
 * main entry, so browser bundles stay free of `node:fs`). Each function here takes a path and falls
 * back to its main-entry counterpart for any other source:
 *
 * | Node entry (paths)                      | main entry (bytes, Blob/File, Response)        |
 * |-----------------------------------------|------------------------------------------------|
 * | `loadSafetensors(path)`                 | `loadSafetensors(source)`                      |
 * | `loadSafetensorsInto(path, module)`     | `loadSafetensorsInto(source, module)`          |
 * | `saveSafetensors(path, tensors)`        | `encodeSafetensors(tensors)` → bytes           |
 * | `saveTensors(path, stateDict)`          | `encodeTensors(stateDict)` → bytes             |
 */
import type { LoadStateDictResult, Module } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import type { BinarySource } from './binary-source.js';
import { loadSafetensors as loadSource, readAll } from './safetensors.js';
import { SafetensorsFile, writeSafetensorsFile } from './safetensors-file.js';
import type { SafetensorsInput, SafetensorsMap, SafetensorsReadOptions } from './safetensors-format.js';
import type { SafetensorsReader } from './safetensors-reader.js';
import {
  type EncodeTensorsOptions,
  type LoadIntoOptions,
  loadSafetensorsInto as loadSourceInto,
  readInto,
  toSafetensorsInput,
} from './tensor-io.js';

/**
 * Reads every tensor of a safetensors file (a path, read tensor by tensor through a file handle), or
 * of any source the main entry's `loadSafetensors` takes.
 *
 * @example
 * ```ts
 * import { loadSafetensors } from '@llmforge/tensor-gpu/node';
 * const weights = await loadSafetensors('model.safetensors');
 * for (const [name, t] of weights) console.log(name, t.dtype, t.shape);
 * ```
 */
export async function loadSafetensors(
  source: string | BinarySource,
  options: SafetensorsReadOptions = {},
): Promise<SafetensorsMap> {
  if (typeof source !== 'string') return loadSource(source, options);
  return readAll(await SafetensorsFile.open(source), options);
}

/**
 * Writes tensors to a safetensors file atomically: tensor by tensor into a temporary file beside the
 * target, then a rename.
 *
 * @example
 * ```ts
 * import { saveSafetensors } from '@llmforge/tensor-gpu/node';
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

/**
 * Reads tensors back and writes them to a safetensors file atomically (the file `encodeTensors`
 * would give as bytes).
 *
 * @example
 * ```ts
 * import { saveTensors } from '@llmforge/tensor-gpu/node';
 * await saveTensors('ckpt/model.safetensors', model.stateDict(), { format: 'pt', step: '1000' });
 * ```
 */
export async function saveTensors(
  path: string,
  tensors: ReadonlyMap<string, Tensor>,
  metadata: Readonly<Record<string, string>> = {},
  options: EncodeTensorsOptions = {},
): Promise<void> {
  await saveSafetensors(path, await toSafetensorsInput(tensors, options.floatDType), metadata);
}

/**
 * Streams a safetensors file into a module: every key and shape is checked against
 * `module.stateDict()` first (one StateDictError listing all problems, nothing written), then one
 * tensor at a time is read and uploaded, so a checkpoint larger than free host memory still loads.
 * Any source of the main entry's `loadSafetensorsInto` works too.
 *
 * @example
 * ```ts
 * import { loadSafetensorsInto } from '@llmforge/tensor-gpu/node';
 * await loadSafetensorsInto('model.safetensors', model, {
 *   rename: (n) => (n.startsWith('transformer.') ? n.slice('transformer.'.length) : n),
 * });
 * ```
 */
export async function loadSafetensorsInto(
  source: string | BinarySource | SafetensorsReader,
  module: Module,
  options: LoadIntoOptions = {},
): Promise<LoadStateDictResult> {
  if (typeof source !== 'string') return loadSourceInto(source, module, options);
  const file = await SafetensorsFile.open(source);
  try {
    return await readInto(file, source, module, options);
  } finally {
    await file.close();
  }
}
