/**
 * Hugging Face checkpoints in and out: a directory with `config.json` and `model.safetensors` (or
 * shards listed in `model.safetensors.index.json`), for `model_type` `gpt2` (GPT2LMHeadModel) and
 * `llama` (LlamaForCausalLM).
 *
 *   fromPretrained(dir)  config.json ─► fromHfConfig ─► ModelConfig
 *                        *.safetensors headers ─► about enough weights for it? (before allocating)
 *                        ─► createModel (no init) ─► fromHfTensors (rename, split GPT-2's c_attn,
 *                        transpose Conv1D; shapes checked against the model's) ─► model.loadStateDict
 *   savePretrained(m, dir)  the same steps backwards, the whole directory replaced atomically: the
 *                        files a checkpoint consists of are written into a temporary sibling, every
 *                        other entry of `dir` (a tokenizer.json, a README) is carried over, and one
 *                        rename puts the new version in place (tensor-gpu's updateDirectoryAtomically).
 *
 * Every failure is a {@link CheckpointError} naming the file, with a hint and the underlying error
 * (a file-system error, a SafetensorsError) as `cause`.
 */

import { describeFsError, LlmforgeError } from '@llmforge/errors';
import {
  type Backend,
  recoverDirectory,
  SafetensorsFile,
  saveSafetensors,
  updateDirectoryAtomically,
} from '@llmforge/tensor-gpu';
import { CheckpointError } from './errors.js';
import { countParams } from './flops.js';
import { fromHfConfig, hfModelTypeOf, toHfConfig } from './hf-config.js';
import { fromHfTensors, type HostTensor, toHfTensors } from './hf-weights.js';
import type { ModelDType } from './layer-options.js';
import { createModel, type Model } from './model.js';
import { resolveModelOptions } from './model-options.js';

/** Options of {@link fromPretrained}. */
export interface FromPretrainedOptions {
  /** Where the parameters go (default: tensor-gpu's shared CPU backend). */
  backend?: Backend;
  /** Parameter dtype (default 'f32'; 'f64' on the CPU backend). */
  dtype?: ModelDType;
}

const LAYOUT_HINT =
  'a checkpoint directory holds config.json and model.safetensors (as save_pretrained writes them)';

/**
 * The entries of a checkpoint directory that {@link savePretrained} owns: replaced (or removed) on
 * every save. Anything else in the directory is kept. The `.tmp-*` names are what an interrupted
 * writer of an earlier version of this package could leave inside the directory.
 */
export const CHECKPOINT_FILES =
  /^(config\.json|model\.safetensors|model\.safetensors\.index\.json|model-\d+-of-\d+\.safetensors|(config\.json|model\.safetensors)\.tmp-\d+-[a-z0-9]+)$/;

/** A CheckpointError carrying a file-system error: its code, meaning and hint. */
function fsFailure(
  operation: string,
  file: string,
  expected: string,
  cause: unknown,
  hint?: string,
): CheckpointError {
  const d = describeFsError(cause);
  return new CheckpointError({ operation, file, expected, found: d.found, hint: hint ?? d.hint, cause });
}

/** Re-raises a typed error of tensor-gpu (a corrupt safetensors file, ...) as a CheckpointError. */
function asCheckpointError(
  operation: string,
  file: string,
  cause: unknown,
  expected = 'a readable checkpoint file',
): CheckpointError {
  if (CheckpointError.isInstance(cause)) return cause;
  if (!LlmforgeError.isInstance(cause)) return fsFailure(operation, file, expected, cause);
  const inner = cause as LlmforgeError;
  // a file-system error underneath (an AtomicDirectoryError of the save): describe that one
  const errno = (inner.cause as NodeJS.ErrnoException | undefined)?.code;
  const d = errno === undefined ? undefined : describeFsError(inner.cause);
  return new CheckpointError({
    operation,
    file,
    ...(inner.where === undefined ? {} : { where: inner.where }),
    expected: inner.expected,
    found: d?.found ?? inner.found,
    hint: d?.hint ?? inner.hint ?? LAYOUT_HINT,
    cause,
  });
}

async function readJson(path: string, operation: string): Promise<unknown> {
  const fs = await import('node:fs/promises');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw fsFailure(operation, path, 'a readable file', cause, missing ? LAYOUT_HINT : undefined);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CheckpointError({
      operation,
      file: path,
      expected: 'valid JSON',
      found: String((cause as Error).message),
      hint: 'the file is truncated or corrupt: save the checkpoint again',
      cause,
    });
  }
}

/** The directory to read: it must be one; after a crashed save, the newest complete version is put back. */
async function checkpointDirectory(dir: unknown): Promise<string> {
  if (typeof dir !== 'string' || dir === '') {
    throw new CheckpointError({
      operation: 'fromPretrained',
      expected: 'the path of a checkpoint directory',
      found: typeof dir === 'string' ? 'an empty string' : String(dir),
      hint: LAYOUT_HINT,
    });
  }
  const fs = await import('node:fs/promises');
  try {
    if ((await fs.stat(dir)).isDirectory()) return dir;
    throw new CheckpointError({
      operation: 'fromPretrained',
      file: dir,
      expected: 'a checkpoint directory',
      found: 'a file',
      hint: 'pass the directory that holds config.json and model.safetensors',
    });
  } catch (cause) {
    if (CheckpointError.isInstance(cause)) throw cause;
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
      // a save killed between its two renames leaves the directory under a temporary name
      const recovered = await recoverDirectory(dir).catch(() => undefined);
      if (recovered?.exists) return dir;
    }
    throw fsFailure('fromPretrained', dir, 'a checkpoint directory', cause);
  }
}

/** The safetensors files of a checkpoint: one file, or the shards of an index. */
async function weightFiles(dir: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const single = `${dir}/model.safetensors`;
  try {
    await fs.lstat(single);
    return [single]; // whatever is wrong with it (a directory, no permission) opening it says
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
      throw fsFailure('fromPretrained', single, 'a readable file', cause);
  }
  const indexPath = `${dir}/model.safetensors.index.json`;
  try {
    await fs.lstat(indexPath);
  } catch {
    throw new CheckpointError({
      operation: 'fromPretrained',
      file: single,
      expected: 'model.safetensors or model.safetensors.index.json',
      found: 'neither',
      hint: 'PyTorch .bin checkpoints are not read; re-save with safe_serialization=True',
    });
  }
  const index = (await readJson(indexPath, 'fromPretrained')) as { weight_map?: unknown } | null;
  const map = index?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new CheckpointError({
      operation: 'fromPretrained',
      file: indexPath,
      where: 'weight_map',
      expected: 'an object mapping tensor names to shard file names',
      found: JSON.stringify(map) ?? 'nothing',
      hint: 'save_pretrained writes {"weight_map": {"<tensor>": "model-00001-of-00002.safetensors", ...}}',
    });
  }
  const shards = new Set<string>();
  for (const [tensor, shard] of Object.entries(map)) {
    // a shard is a file beside the index: no path separators, no '..'
    if (typeof shard !== 'string' || !/^[^/\\]+$/.test(shard) || shard === '.' || shard === '..') {
      throw new CheckpointError({
        operation: 'fromPretrained',
        file: indexPath,
        where: `weight_map.${tensor}`,
        expected: 'the file name of a shard in the same directory',
        found: JSON.stringify(shard),
        hint: 'shards live beside the index; paths are not followed',
      });
    }
    shards.add(shard);
  }
  return [...shards].map((f) => `${dir}/${f}`);
}

/** Opens every weight file (headers only) and checks they can hold the model of `config`. */
async function openWeights(files: string[], needed: number, configPath: string): Promise<SafetensorsFile[]> {
  const open: SafetensorsFile[] = [];
  try {
    let stored = 0;
    const seen = new Map<string, string>();
    for (const file of files) {
      const f = await SafetensorsFile.open(file).catch((cause: unknown) => {
        throw asCheckpointError('fromPretrained', file, cause);
      });
      open.push(f);
      for (const name of f.names) {
        const other = seen.get(name);
        if (other !== undefined) {
          throw new CheckpointError({
            operation: 'fromPretrained',
            file,
            where: name,
            expected: 'each tensor in one shard',
            found: `the tensor also in ${other}`,
            hint: 'the shards are from different saves: download the checkpoint again',
          });
        }
        seen.set(name, file);
        stored += f.entry(name)!.shape.reduce((a, b) => a * b, 1);
      }
    }
    // Before allocating anything: a config asking for far more weights than the files hold (a
    // corrupt or hostile n_layer / vocab_size) fails here, so memory stays bounded by the files'
    // size. Smaller gaps (one missing tensor) are named precisely once the model exists.
    if (needed > 2 * stored) {
      throw new CheckpointError({
        operation: 'fromPretrained',
        file: configPath,
        expected: `weights for the ${needed.toLocaleString('en-US')} parameters this config describes`,
        found: `${stored.toLocaleString('en-US')} values in ${files.length} safetensors file(s)`,
        hint: 'is config.json from the same checkpoint as the weights?',
      });
    }
    return open;
  } catch (error) {
    for (const f of open) await f.close();
    throw error;
  }
}

/**
 * Loads a Hugging Face GPT-2 or Llama checkpoint directory into a {@link Model} (in eval mode, as
 * HF's `from_pretrained`). Throws {@link CheckpointError} naming the file and field or tensor for
 * an unsupported `model_type`, a config.json field of the wrong type, a missing or unreadable file,
 * a corrupt safetensors file, or missing / mis-shaped / unexpected tensors. A config.json describing
 * more than twice the parameters the weight files hold fails before anything is allocated. A directory whose save was
 * killed between its two renames is recovered first (see `recoverDirectory`).
 *
 * @example
 * ```ts
 * const model = await fromPretrained('fixtures/gpt2-tiny', { backend: createCpuBackend() });
 * ```
 */
export async function fromPretrained(dir: string, options: FromPretrainedOptions = {}): Promise<Model> {
  const { backend, dtype } = resolveModelOptions('fromPretrained', options);
  const root = await checkpointDirectory(dir);
  const configPath = `${root}/config.json`;
  const { modelType, config } = fromHfConfig(
    (await readJson(configPath, 'fromPretrained')) as never,
    configPath,
  );
  const files = await weightFiles(root);
  const open = await openWeights(files, countParams(config), configPath);
  const hf = new Map<string, HostTensor>();
  try {
    for (const f of open) {
      for (const name of f.names) {
        const t = await f.read(name).catch((cause: unknown) => {
          throw asCheckpointError('fromPretrained', f.path, cause);
        });
        if (!(t.data instanceof Float32Array)) {
          throw new CheckpointError({
            operation: 'fromPretrained',
            file: f.path,
            where: name,
            expected: 'a floating-point tensor (F32, F16, BF16, F64)',
            found: t.dtype,
            hint: 'integer tensors are not weights: is this a model checkpoint?',
          });
        }
        hf.set(name, { shape: t.shape, data: t.data });
      }
    }
  } finally {
    for (const f of open) await f.close();
  }
  const model = createModel(config, { backend, dtype, init: false });
  // HF names and layouts → ours, checked against the shapes the model's modules define
  model.loadStateDict(fromHfTensors(modelType, model.stateDict(), hf, files.length === 1 ? files[0] : root));
  return model.eval();
}

/**
 * Writes `model` as a Hugging Face checkpoint: `config.json` and `model.safetensors` (float32, HF
 * names and layouts, `{"format": "pt"}` metadata) that `transformers`' `from_pretrained` loads.
 *
 * The directory is replaced atomically as a whole (created if needed): the entries a checkpoint
 * consists of ({@link CHECKPOINT_FILES}: config.json, model.safetensors, a shard index and shards
 * of an earlier save) are written anew or removed, and every other entry already in `dir` (a
 * tokenizer.json, a README, a trainer's logs) is kept unchanged. A reader (or a process killed at
 * any moment of the save) sees the previous directory or the new one, never new weights with an old
 * config; what a killed save leaves behind is removed by the next one. Another process writing
 * into `dir` while a save runs may lose that write: one writer per directory.
 *
 * Configs with no HF class (sinusoidal positions, relu2, ...) raise {@link CheckpointError} before
 * anything is written; so do file-system failures (a parent that is a file, no permission, a full
 * disk), naming the directory with a hint and the original error as `cause`.
 *
 * @example
 * ```ts
 * await savePretrained(model, './out/my-gpt2');
 * ```
 */
export async function savePretrained(model: Model, dir: string): Promise<void> {
  if (typeof (model as Partial<Model> | null)?.namedParameters !== 'function' || !(model as Model).config) {
    throw new CheckpointError({
      operation: 'savePretrained',
      expected: 'a Model (createModel, fromPretrained)',
      found: String(model),
      hint: 'savePretrained(model, dir): the model comes first',
    });
  }
  if (typeof dir !== 'string' || dir === '') {
    throw new CheckpointError({
      operation: 'savePretrained',
      expected: 'the path of a directory',
      found: typeof dir === 'string' ? 'an empty string' : String(dir),
      hint: 'savePretrained(model, dir)',
    });
  }
  const modelType = hfModelTypeOf(model.config);
  const ours = new Map<string, HostTensor>();
  for (const [name, p] of model.namedParameters()) {
    const data = await p.data();
    ours.set(name, {
      shape: [...p.shape],
      data: data instanceof Float32Array ? data : Float32Array.from(data),
    });
  }
  // sorted by name, as the safetensors library writes them: the file is byte-identical to HF's
  const hf = [...toHfTensors(modelType, ours)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tensors = new Map(
    hf.map(([name, t]) => [name, { dtype: 'F32' as const, shape: t.shape, data: t.data }]),
  );
  const config = `${JSON.stringify(toHfConfig(model.config), null, 2)}\n`;
  const fs = await import('node:fs/promises');
  try {
    await updateDirectoryAtomically(
      dir,
      async (tmp) => {
        try {
          await saveSafetensors(`${tmp}/model.safetensors`, tensors, { format: 'pt' });
          await fs.writeFile(`${tmp}/config.json`, config);
        } catch (cause) {
          throw asCheckpointError('savePretrained', dir, cause, 'room to write the checkpoint files');
        }
      },
      { owns: (name) => CHECKPOINT_FILES.test(name) },
    );
  } catch (cause) {
    // an AtomicDirectoryError (the step that failed, its file-system error underneath)
    const e = asCheckpointError('savePretrained', dir, cause, 'a writable directory');
    const { dirname } = await import('node:path');
    if (
      e.found.startsWith('ENOENT') &&
      (await fs.stat(dirname(dir)).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    ) {
      // the parent exists, yet nothing can be created in it: /proc, /sys, a read-only mount point
      throw new CheckpointError({
        operation: e.operation,
        file: dir,
        expected: e.expected,
        found: e.found,
        hint: 'the parent directory exists but takes no new entries (a virtual file system such as /proc?): save somewhere else',
        cause,
      });
    }
    throw e;
  }
}
