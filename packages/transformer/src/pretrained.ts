/**
 * Hugging Face checkpoints in and out: `config.json` and `model.safetensors` (or shards listed in
 * `model.safetensors.index.json`), for `model_type` `gpt2` (GPT2LMHeadModel) and `llama`
 * (LlamaForCausalLM). This file runs anywhere: it reads the files from a {@link CheckpointSource}
 * (files a browser fetched or got from a file picker, a URL) and writes them as bytes. The Node entry
 * (`pretrained-node.ts`, `@llmforge/transformer/node`) adds a directory on disk.
 *
 *   fromPretrained(files)   config.json ─► fromHfConfig ─► ModelConfig
 *                           *.safetensors headers ─► about enough weights for it? (before allocating)
 *                           ─► createModel (no init) ─► fromHfTensors (rename, split GPT-2's c_attn,
 *                           transpose Conv1D; shapes checked against the model's) ─► model.loadStateDict
 *   encodePretrained(model) the same steps backwards, to the bytes of each file
 *
 * Every failure is a {@link CheckpointError} naming the file, with a hint and the underlying error
 * (a file-system or network error, a SafetensorsError) as `cause`.
 */

import { describeFsError, LlmforgeError } from '@llmforge/errors';
import {
  type Backend,
  type BinarySource,
  encodeSafetensors,
  isBinarySource,
  isBlob,
  openSafetensors,
  readBinarySource,
  type SafetensorsReader,
  type SafetensorsTensorInput,
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

/**
 * The files of a checkpoint by name (`config.json`, `model.safetensors`, shards and their index):
 * a Map or an object of name → bytes / Blob / Response, or Files (an `<input type="file" multiple>`'s
 * `files`, a drop's `dataTransfer.files`), matched by `file.name`.
 */
export type CheckpointFiles =
  | ReadonlyMap<string, BinarySource>
  | Readonly<Record<string, BinarySource>>
  | Iterable<File>;

/**
 * Where {@link fromPretrained} reads a checkpoint: its files ({@link CheckpointFiles}), a base URL
 * whose files are fetched (`new URL('/models/gpt2-tiny/', location.href)`), or a {@link CheckpointStore}.
 */
export type CheckpointSource = CheckpointFiles | URL | CheckpointStore;

/** Reads a checkpoint's files by name: what every {@link CheckpointSource} becomes. */
export interface CheckpointStore {
  /** Where the files are, for messages (a directory, a URL, `<files>`). */
  readonly location: string;
  /** The file `name`, or undefined when there is no such file. */
  get(name: string): Promise<BinarySource | undefined>;
}

/** The file names of a checkpoint directory, as `save_pretrained` writes them. */
export const CHECKPOINT_FILES = {
  config: 'config.json',
  weights: 'model.safetensors',
  index: 'model.safetensors.index.json',
} as const;

/** What messages suggest when a checkpoint's files are not where or what they should be. */
export const LAYOUT_HINT =
  'a checkpoint holds config.json and model.safetensors (as save_pretrained writes them)';

/**
 * A typed error of another layer (a corrupt safetensors file, a failed Response, a file-system error
 * of a file-backed Blob) as a CheckpointError naming `file`, the original kept as `cause`.
 */
export function asCheckpointError(
  operation: string,
  file: string,
  cause: unknown,
  expected = 'a readable checkpoint file',
): CheckpointError {
  if (CheckpointError.isInstance(cause)) return cause;
  if (!LlmforgeError.isInstance(cause)) {
    const d = describeFsError(cause);
    return new CheckpointError({ operation, file, expected, found: d.found, hint: d.hint, cause });
  }
  const inner = cause as LlmforgeError;
  // a file-system error underneath (an AtomicDirectoryError of the save): describe that one
  const errno = (inner.cause as { code?: unknown } | undefined)?.code;
  const d = typeof errno === 'string' ? describeFsError(inner.cause) : undefined;
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

function isStore(x: unknown): x is CheckpointStore {
  return (
    typeof x === 'object' && x !== null && typeof (x as CheckpointStore).get === 'function' && 'location' in x
  );
}

/** A store over files by name, or fetching relative to a URL. */
export function checkpointStore(source: CheckpointSource, operation = 'fromPretrained'): CheckpointStore {
  if (isStore(source)) return source;
  if (source instanceof URL) return urlStore(source, operation);
  if (source instanceof Map) {
    const files = source as ReadonlyMap<string, BinarySource>;
    return { location: '<files>', get: async (name) => files.get(name) };
  }
  if (typeof source === 'object' && source !== null && Symbol.iterator in source) {
    const byName = new Map<string, BinarySource>();
    for (const f of source as Iterable<File>) {
      if (!isBlob(f) || typeof f.name !== 'string') throw notASource(operation, f);
      byName.set(f.name, f);
    }
    return { location: '<files>', get: async (name) => byName.get(name) };
  }
  if (typeof source === 'object' && source !== null) {
    const record = source as Readonly<Record<string, BinarySource>>;
    return {
      location: '<files>',
      get: async (name) => (Object.hasOwn(record, name) ? record[name] : undefined),
    };
  }
  throw notASource(operation, source);
}

function notASource(operation: string, found: unknown): CheckpointError {
  const isPath = typeof found === 'string';
  return new CheckpointError({
    operation,
    expected: "a checkpoint's files (a Map or object of name → bytes/Blob/Response, or Files) or a URL",
    found: isPath ? `the string ${JSON.stringify(found.slice(0, 80))}` : String(found),
    hint: isPath
      ? `a directory needs the Node entry: import { ${operation} } from '@llmforge/transformer/node'; for a URL pass new URL(...)`
      : 'in a browser, pass input.files from <input type="file" multiple>, or new URL(baseUrl)',
  });
}

function urlStore(base: URL, operation: string): CheckpointStore {
  const dir = base.href.endsWith('/') ? base : new URL(`${base.href}/`);
  return {
    location: dir.href,
    async get(name) {
      const url = new URL(name, dir);
      let response: Response;
      try {
        response = await fetch(url);
      } catch (cause) {
        throw new CheckpointError({
          operation,
          file: url.href,
          expected: 'a reachable URL',
          found: String((cause as Error)?.message ?? cause),
          hint: 'check the URL (and CORS headers when it is on another origin)',
          cause,
        });
      }
      if (response.status === 404) return undefined;
      return response;
    },
  };
}

/** How messages name file `name` of the store: `dir/name`, `https://host/dir/name`, or just `name`. */
function fileIn(store: CheckpointStore, name: string): string {
  if (store.location === '<files>') return name;
  return store.location.endsWith('/') ? `${store.location}${name}` : `${store.location}/${name}`;
}

/** A file's bytes, or undefined when the store has none. */
async function readFile(
  store: CheckpointStore,
  name: string,
  operation: string,
): Promise<{ source: BinarySource; file: string } | undefined> {
  const source = await store.get(name);
  if (source === undefined) return undefined;
  if (!isBinarySource(source)) throw notASource(operation, source);
  return {
    source,
    file: fileIn(store, name),
  };
}

/** A required JSON file of the checkpoint, parsed. */
async function readJson(
  store: CheckpointStore,
  name: string,
  operation: string,
  hint: string,
): Promise<unknown> {
  const found = await readFile(store, name, operation);
  const file = fileIn(store, name);
  if (!found) {
    throw new CheckpointError({ operation, file, expected: 'a readable file', found: 'no such file', hint });
  }
  let text: string;
  try {
    text = new TextDecoder().decode(await readBinarySource(found.source, operation));
  } catch (cause) {
    throw asCheckpointError(operation, file, cause, 'a readable file');
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CheckpointError({
      operation,
      file,
      expected: 'valid JSON',
      found: String((cause as Error).message),
      hint: 'the file is truncated or corrupt: save the checkpoint again',
      cause,
    });
  }
}

type WeightFile = { source: BinarySource; file: string };

/** The safetensors files of a checkpoint: one file, or the shards of an index. */
async function weightFiles(store: CheckpointStore): Promise<WeightFile[]> {
  const single = await readFile(store, CHECKPOINT_FILES.weights, 'fromPretrained');
  if (single) return [single];
  const hasIndex = await readFile(store, CHECKPOINT_FILES.index, 'fromPretrained');
  if (!hasIndex) {
    throw new CheckpointError({
      operation: 'fromPretrained',
      file: fileIn(store, CHECKPOINT_FILES.weights),
      expected: `${CHECKPOINT_FILES.weights} or ${CHECKPOINT_FILES.index}`,
      found: 'neither',
      hint: 'PyTorch .bin checkpoints are not read; re-save with safe_serialization=True',
    });
  }
  const index = (await readJson(store, CHECKPOINT_FILES.index, 'fromPretrained', LAYOUT_HINT)) as {
    weight_map?: unknown;
  } | null;
  const map = index?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new CheckpointError({
      operation: 'fromPretrained',
      file: hasIndex.file,
      where: 'weight_map',
      expected: 'an object mapping tensor names to shard file names',
      found: JSON.stringify(map) ?? 'nothing',
      hint: 'save_pretrained writes {"weight_map": {"<tensor>": "model-00001-of-00002.safetensors", ...}}',
    });
  }
  const names = new Set<string>();
  for (const [tensor, shard] of Object.entries(map)) {
    // a shard is a file beside the index: no path separators, no '..'
    if (typeof shard !== 'string' || !/^[^/\\]+$/.test(shard) || shard === '.' || shard === '..') {
      throw new CheckpointError({
        operation: 'fromPretrained',
        file: hasIndex.file,
        where: `weight_map.${tensor}`,
        expected: 'the file name of a shard in the same directory',
        found: JSON.stringify(shard),
        hint: 'shards live beside the index; paths are not followed',
      });
    }
    names.add(shard);
  }
  const shards: WeightFile[] = [];
  for (const name of names) {
    const shard = await readFile(store, name, 'fromPretrained');
    if (!shard) {
      throw new CheckpointError({
        operation: 'fromPretrained',
        file: fileIn(store, name),
        expected: `the shard ${JSON.stringify(name)} listed in ${CHECKPOINT_FILES.index}`,
        found: 'no such file',
        hint: 'every file of a sharded checkpoint must be given',
      });
    }
    shards.push(shard);
  }
  return shards;
}

/** Opens every weight file (headers only) and checks they can hold the model of `config`. */
async function openWeights(
  files: readonly WeightFile[],
  needed: number,
  configFile: string,
): Promise<SafetensorsReader[]> {
  const open: SafetensorsReader[] = [];
  try {
    let stored = 0;
    const seen = new Map<string, string>();
    for (const { source, file } of files) {
      const f = await openSafetensors(source, { file, operation: 'fromPretrained' }).catch(
        (cause: unknown) => {
          throw asCheckpointError('fromPretrained', file, cause);
        },
      );
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
        file: configFile,
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
 * Loads a Hugging Face GPT-2 or Llama checkpoint into a {@link Model} (in eval mode, as HF's
 * `from_pretrained`), from its files or a URL: what a browser has. Throws {@link CheckpointError}
 * naming the file and field or tensor for an unsupported `model_type`, a config.json field of the
 * wrong type, a missing or unreadable file, a corrupt safetensors file, or missing / mis-shaped /
 * unexpected tensors. A config.json describing more than twice the parameters the weight files hold
 * fails before anything is allocated; weights are read one tensor at a time (a `Blob` by slices). A
 * directory on disk needs the Node entry's `fromPretrained`.
 *
 * @example
 * ```ts
 * // files picked with <input type="file" multiple> (config.json and model.safetensors)
 * const model = await fromPretrained(input.files!, { backend });
 * // or fetched next to the page
 * const tiny = await fromPretrained(new URL('./gpt2-tiny/', location.href));
 * ```
 */
export async function fromPretrained(
  source: CheckpointSource,
  options: FromPretrainedOptions = {},
): Promise<Model> {
  const { backend, dtype } = resolveModelOptions('fromPretrained', options);
  const store = checkpointStore(source);
  const configFile = fileIn(store, CHECKPOINT_FILES.config);
  const configJson = await readJson(store, CHECKPOINT_FILES.config, 'fromPretrained', LAYOUT_HINT);
  const { modelType, config } = fromHfConfig(configJson as never, configFile);
  const files = await weightFiles(store);
  const open = await openWeights(files, countParams(config), configFile);
  const hf = new Map<string, HostTensor>();
  try {
    for (const [i, f] of open.entries()) {
      const file = files[i]!.file;
      for (const name of f.names) {
        const t = await f.read(name).catch((cause: unknown) => {
          throw asCheckpointError('fromPretrained', file, cause);
        });
        if (!(t.data instanceof Float32Array)) {
          throw new CheckpointError({
            operation: 'fromPretrained',
            file,
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
  model.loadStateDict(
    fromHfTensors(modelType, model.stateDict(), hf, files.length === 1 ? files[0]!.file : store.location),
  );
  return model.eval();
}

/**
 * The checkpoint's tensors with HF names and layouts (float32), sorted by name as the safetensors
 * library writes them, so the file is byte-identical to HF's. Throws {@link CheckpointError} for a
 * config with no HF class (sinusoidal positions, relu2, ...).
 */
export async function hfCheckpointTensors(model: Model): Promise<Map<string, SafetensorsTensorInput>> {
  const modelType = hfModelTypeOf(model.config);
  const ours = new Map<string, HostTensor>();
  for (const [name, p] of model.namedParameters()) {
    const data = await p.data();
    ours.set(name, {
      shape: [...p.shape],
      data: data instanceof Float32Array ? data : Float32Array.from(data),
    });
  }
  const hf = [...toHfTensors(modelType, ours)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(hf.map(([name, t]) => [name, { dtype: 'F32' as const, shape: t.shape, data: t.data }]));
}

/** The text of `config.json` for `model` (what `save_pretrained` writes; `from_pretrained` reads it). */
export function hfConfigText(model: Model): string {
  return `${JSON.stringify(toHfConfig(model.config), null, 2)}\n`;
}

/**
 * The files of `model` as a Hugging Face checkpoint, in memory: `config.json` and
 * `model.safetensors` (float32, HF names and layouts, `{"format": "pt"}` metadata) that
 * `transformers`' `from_pretrained` loads, and {@link fromPretrained} reads back. In a browser, offer
 * them as downloads; the Node entry's `savePretrained(model, dir)` writes the same files to disk.
 * Configs with no HF class (sinusoidal positions, relu2, ...) raise {@link CheckpointError}.
 *
 * @example
 * ```ts
 * const files = await encodePretrained(model); // Map { 'config.json' => bytes, 'model.safetensors' => bytes }
 * for (const [name, bytes] of files) {
 *   const a = Object.assign(document.createElement('a'), { download: name, href: URL.createObjectURL(new Blob([bytes])) });
 *   a.click();
 * }
 * ```
 */
export async function encodePretrained(model: Model): Promise<Map<string, Uint8Array>> {
  const config = new TextEncoder().encode(hfConfigText(model));
  const weights = encodeSafetensors(await hfCheckpointTensors(model), { format: 'pt' });
  return new Map([
    [CHECKPOINT_FILES.config, config],
    [CHECKPOINT_FILES.weights, weights],
  ]);
}
