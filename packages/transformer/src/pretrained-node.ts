/**
 * Hugging Face checkpoint directories on disk (Node only; exported by `@llmforge/transformer/node`,
 * never by the main entry, so browser bundles stay free of `node:fs`). `fromPretrained(dir)` reads
 * through the same code as the main entry's `fromPretrained(files)` (`pretrained.ts`), with the
 * directory as its store: each file is opened as a file-backed Blob, so the weights are read tensor
 * by tensor, never whole. `savePretrained(model, dir)` writes what `encodePretrained` returns, each
 * file atomically (a temporary name, then a rename).
 */
import { openAsBlob } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveSafetensors } from '@llmforge/tensor-gpu/node';
import { CheckpointError } from './errors.js';
import type { Model } from './model.js';
import {
  CHECKPOINT_FILES,
  type CheckpointSource,
  type CheckpointStore,
  checkpointStore,
  type FromPretrainedOptions,
  fromPretrained as fromSource,
  hfCheckpointTensors,
  hfConfigText,
} from './pretrained.js';

/**
 * A checkpoint directory as a {@link CheckpointStore}: `get(name)` is the file as a Blob backed by
 * the file (read lazily, by slices), or undefined when it does not exist.
 *
 * @example
 * ```ts
 * const store = directoryStore('fixtures/gpt2-tiny');
 * const config = await (await store.get('config.json'))!.text();
 * ```
 */
export function directoryStore(
  dir: string,
): CheckpointStore & { get(name: string): Promise<Blob | undefined> } {
  return {
    location: dir,
    async get(name) {
      const path = join(dir, name);
      try {
        if (!(await stat(path)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
        return await openAsBlob(path);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new CheckpointError({
          operation: 'fromPretrained',
          file: path,
          expected: 'a readable file',
          found: code ?? String(cause),
          hint: 'a checkpoint directory holds config.json and model.safetensors (as save_pretrained writes them)',
          cause,
        });
      }
    },
  };
}

/**
 * Loads a Hugging Face GPT-2 or Llama checkpoint directory into a {@link Model} (in eval mode, as
 * HF's `from_pretrained`); any source of the main entry's `fromPretrained` (files, a URL) works
 * too, and a `file:` URL is read as a directory. Throws {@link CheckpointError} naming the file and
 * field or tensor for an unsupported `model_type`, a missing file, or missing / mis-shaped /
 * unexpected tensors.
 *
 * @example
 * ```ts
 * import { fromPretrained } from '@llmforge/transformer/node';
 * const model = await fromPretrained('fixtures/gpt2-tiny', { backend: createCpuBackend() });
 * ```
 */
export async function fromPretrained(
  source: string | CheckpointSource,
  options: FromPretrainedOptions = {},
): Promise<Model> {
  if (typeof source === 'string') return fromSource(directoryStore(source), options);
  if (source instanceof URL && source.protocol === 'file:') {
    return fromSource(directoryStore(fileURLToPath(source)), options);
  }
  return fromSource(checkpointStore(source), options);
}

/** Writes `text` to `path` atomically: a temporary file beside it, then a rename. */
async function writeTextAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new CheckpointError({
      operation: 'savePretrained',
      file: path,
      expected: 'a writable file',
      found: (cause as NodeJS.ErrnoException).code ?? String(cause),
      hint: 'check that the directory is writable and the disk has space',
      cause,
    });
  }
}

/**
 * Writes `model` as a Hugging Face checkpoint directory: `config.json` and `model.safetensors`
 * (float32, HF names and layouts, `{"format": "pt"}` metadata) that `transformers`'
 * `from_pretrained` loads: the files `encodePretrained` returns. Creates `dir` if needed; each file
 * is written atomically, the weights tensor by tensor. Configs with no HF class (sinusoidal
 * positions, relu2, ...) raise {@link CheckpointError} before anything is written.
 *
 * @example
 * ```ts
 * import { savePretrained } from '@llmforge/transformer/node';
 * await savePretrained(model, './out/my-gpt2');
 * ```
 */
export async function savePretrained(model: Model, dir: string): Promise<void> {
  const config = hfConfigText(model); // throws for a config with no HF class, before any write
  const tensors = await hfCheckpointTensors(model);
  await mkdir(dir, { recursive: true });
  await saveSafetensors(join(dir, CHECKPOINT_FILES.weights), tensors, { format: 'pt' });
  await writeTextAtomically(join(dir, CHECKPOINT_FILES.config), config);
}
