/**
 * Between Tensors and safetensors files: `toSafetensorsInput` reads device tensors back to the host
 * in the form `saveSafetensors` writes, and `saveTensors` does both (e.g. `module.stateDict()` to a
 * checkpoint). Loading goes the other way: `loadSafetensorsInto(path, module)` streams a file into a
 * module one tensor at a time (peak host memory: one tensor), or
 * `module.loadStateDict(await loadSafetensors(path))` for small files.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { assignHost } from '../nn/assign.js';
import { type LoadStateDictResult, type Module, matchStateDict } from '../nn/module.js';
import type { Tensor } from '../tensor.js';
import { saveSafetensors } from './safetensors.js';
import { SafetensorsError } from './safetensors-error.js';
import { SafetensorsFile } from './safetensors-file.js';
import type { SafetensorsTensorInput, SafetensorsWriteDType } from './safetensors-format.js';

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
 * await saveSafetensors('model.safetensors', host, { format: 'pt' });
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

/**
 * Reads tensors back and writes them to a safetensors file atomically (Node only).
 *
 * @example
 * ```ts
 * await saveTensors('ckpt/model.safetensors', model.stateDict(), { format: 'pt', step: '1000' });
 * ```
 */
export async function saveTensors(
  path: string,
  tensors: ReadonlyMap<string, Tensor>,
  metadata: Readonly<Record<string, string>> = {},
  options: { floatDType?: 'F32' | 'F16' | 'BF16' } = {},
): Promise<void> {
  await saveSafetensors(path, await toSafetensorsInput(tensors, options.floatDType), metadata);
}

/** Options of {@link loadSafetensorsInto}. */
export interface LoadIntoOptions {
  /** Throw on missing or unexpected keys (default true); mis-shaped keys always throw. */
  strict?: boolean;
  /** Maps a file tensor name to a state-dict key, or null to skip it (default: the same name). */
  rename?: (fileName: string) => string | null;
}

/**
 * Streams a safetensors file into a module: checks every key and shape against `module.stateDict()`
 * first (one StateDictError listing all problems, nothing written), then reads and uploads one tensor
 * at a time, so a checkpoint larger than free host memory still loads (Node only).
 *
 * @example
 * ```ts
 * await loadSafetensorsInto('model.safetensors', model, {
 *   rename: (n) => (n.startsWith('transformer.') ? n.slice('transformer.'.length) : n),
 * });
 * ```
 */
export async function loadSafetensorsInto(
  path: string,
  module: Module,
  options: LoadIntoOptions = {},
): Promise<LoadStateDictResult> {
  const strict = options.strict ?? true;
  const op = `loadSafetensorsInto(${path})`;
  const file = await SafetensorsFile.open(path);
  try {
    const fileNameOf = new Map<string, string>();
    const entries = new Map<string, { shape: readonly number[] }>();
    for (const name of file.names) {
      const key = options.rename ? options.rename(name) : name;
      if (key === null) continue;
      fileNameOf.set(key, name);
      entries.set(key, { shape: file.entry(name)!.shape });
    }
    const own = module.stateDict();
    const result = matchStateDict(op, own, entries, strict);
    for (const [key, target] of own) {
      const name = fileNameOf.get(key);
      if (name === undefined) continue;
      const t = await file.read(name);
      const data = t.data instanceof BigInt64Array ? Array.from(t.data, Number) : t.data;
      noGrad(() => assignHost(target, data, op));
    }
    return strict ? { missing: [], unexpected: [] } : result;
  } finally {
    await file.close();
  }
}
