/**
 * Between Tensors and safetensors: `toSafetensorsInput` reads device tensors back to the host in the
 * form `encodeSafetensors` writes, and `encodeTensors` does both (e.g. `module.stateDict()` to bytes
 * for a download; the Node entry's `saveTensors` writes a file). Loading goes the other way:
 * `loadSafetensorsInto(source, module)` reads a source into a module one tensor at a time (peak host
 * memory: one tensor beyond the source itself; a Blob/File is read by slices), or
 * `module.loadStateDict(await loadSafetensors(source))` for small files.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { assignHost } from '../nn/assign.js';
import { type LoadStateDictResult, type Module, matchStateDict } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import { type BinarySource, binarySourceName } from './binary-source.js';
import { encodeSafetensors } from './safetensors-encode.js';
import { SafetensorsError } from './safetensors-error.js';
import type { SafetensorsTensorInput, SafetensorsWriteDType } from './safetensors-format.js';
import { openSafetensors, type SafetensorsReader } from './safetensors-reader.js';

/** Per-tensor file dtype: by default F32 for f32/f64, F16 for f16, I32 for i32 and u32 (range-checked). */
function defaultFileDType(t: Tensor): SafetensorsWriteDType {
  if (t.dtype === 'f16') return 'F16';
  if (t.dtype === 'i32' || t.dtype === 'u32') return 'I32';
  return 'F32';
}

/**
 * Reads tensors back to the host as safetensors inputs (`floatDType` overrides the file dtype of
 * float tensors, e.g. `'BF16'` to halve a checkpoint).
 *
 * @example
 * ```ts
 * const host = await toSafetensorsInput(model.stateDict());
 * const bytes = encodeSafetensors(host, { format: 'pt' });
 * ```
 */
export async function toSafetensorsInput(
  tensors: ReadonlyMap<string, Tensor>,
  floatDType?: 'F32' | 'F16' | 'BF16',
): Promise<Map<string, SafetensorsTensorInput>> {
  const out = new Map<string, SafetensorsTensorInput>();
  for (const [name, t] of tensors) {
    const data = await t.data();
    const isFloat = t.dtype === 'f32' || t.dtype === 'f16' || t.dtype === 'f64';
    const dtype = isFloat && floatDType ? floatDType : defaultFileDType(t);
    if (t.dtype === 'u32') {
      const big = (data as Uint32Array).findIndex((v) => v > 2147483647);
      if (big >= 0) {
        throw new SafetensorsError({
          operation: 'toSafetensorsInput',
          file: '<tensors>',
          tensor: name,
          expected: 'u32 values that fit in I32',
          found: `${(data as Uint32Array)[big]} at flat index ${big}`,
          hint: 'safetensors has U32 but this writer stores I32; cast the tensor',
        });
      }
    }
    out.set(name, { dtype, shape: [...t.shape], data: data as ArrayLike<number> });
  }
  return out;
}

/** Options of {@link encodeTensors} (and of the Node entry's `saveTensors`). */
export interface EncodeTensorsOptions {
  /** File dtype of float tensors (default: F32 for f32/f64, F16 for f16). */
  floatDType?: 'F32' | 'F16' | 'BF16';
}

/**
 * Reads tensors back and encodes them as a safetensors file in memory: the bytes a browser offers as
 * a download, or sends somewhere. The Node entry's `saveTensors(path, ...)` writes the same bytes to
 * a file.
 *
 * @example
 * ```ts
 * const bytes = await encodeTensors(model.stateDict(), { format: 'pt', step: '1000' });
 * const url = URL.createObjectURL(new Blob([bytes])); // an <a download="model.safetensors"> href
 * ```
 */
export async function encodeTensors(
  tensors: ReadonlyMap<string, Tensor>,
  metadata: Readonly<Record<string, string>> = {},
  options: EncodeTensorsOptions = {},
): Promise<Uint8Array> {
  return encodeSafetensors(await toSafetensorsInput(tensors, options.floatDType), metadata);
}

/** Options of {@link loadSafetensorsInto}. */
export interface LoadIntoOptions {
  /** Throw on missing or unexpected keys (default true); mis-shaped keys always throw. */
  strict?: boolean;
  /** Maps a file tensor name to a state-dict key, or null to skip it (default: the same name). */
  rename?: (fileName: string) => string | null;
}

/** True for an already open {@link SafetensorsReader} (the Node entry's `SafetensorsFile` is one). */
export function isSafetensorsReader(x: unknown): x is SafetensorsReader {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as SafetensorsReader).read === 'function' &&
    typeof (x as SafetensorsReader).entry === 'function' &&
    Array.isArray((x as SafetensorsReader).names)
  );
}

/**
 * Reads a safetensors source into a module: checks every key and shape against
 * `module.stateDict()` first (one StateDictError listing all problems, nothing written), then reads
 * and uploads one tensor at a time. The source is bytes, a `Blob`/`File` (read by slices, so a
 * checkpoint larger than free memory still loads), a `Response`, or an open reader (left open). A
 * file path needs the Node entry's `loadSafetensorsInto`.
 *
 * @example
 * ```ts
 * await loadSafetensorsInto(fileInput.files![0]!, model, {
 *   rename: (n) => (n.startsWith('transformer.') ? n.slice('transformer.'.length) : n),
 * });
 * ```
 */
export async function loadSafetensorsInto(
  source: BinarySource | SafetensorsReader,
  module: Module,
  options: LoadIntoOptions = {},
): Promise<LoadStateDictResult> {
  if (isSafetensorsReader(source)) return readInto(source, '<reader>', module, options);
  const name = binarySourceName(source);
  const reader = await openSafetensors(source, { operation: 'loadSafetensorsInto' });
  try {
    return await readInto(reader, name, module, options);
  } finally {
    await reader.close();
  }
}

/** The body of {@link loadSafetensorsInto}: check every key and shape, then read tensor by tensor. */
export async function readInto(
  reader: SafetensorsReader,
  name: string,
  module: Module,
  options: LoadIntoOptions,
): Promise<LoadStateDictResult> {
  const strict = options.strict ?? true;
  const op = `loadSafetensorsInto(${name})`;
  const fileNameOf = new Map<string, string>();
  const entries = new Map<string, { shape: readonly number[] }>();
  for (const fileName of reader.names) {
    const key = options.rename ? options.rename(fileName) : fileName;
    if (key === null) continue;
    fileNameOf.set(key, fileName);
    entries.set(key, { shape: reader.entry(fileName)!.shape });
  }
  const own = module.stateDict();
  const result = matchStateDict(op, own, entries, strict);
  for (const [key, target] of own) {
    const fileName = fileNameOf.get(key);
    if (fileName === undefined) continue;
    const t = await reader.read(fileName);
    const data = t.data instanceof BigInt64Array ? Array.from(t.data, Number) : t.data;
    noGrad(() => assignHost(target, data, op));
  }
  return strict ? { missing: [], unexpected: [] } : result;
}
