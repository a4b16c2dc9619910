/**
 * Hugging Face checkpoint directories on disk (Node only; exported by `@llmforge/transformer/node`,
 * never by the main entry, so browser bundles stay free of `node:fs`). `fromPretrained(dir)` reads
 * through the same code as the main entry's `fromPretrained(files)` (`pretrained.ts`), with the
 * directory as its store: each file is opened as a file-backed Blob, so the weights are read tensor
 * by tensor, never whole. `savePretrained(model, dir)` writes what `encodePretrained` describes, the
 * whole directory replaced atomically: the files a checkpoint consists of are written into a
 * temporary sibling, every other entry of `dir` (a tokenizer.json, a README) is carried over, and one
 * rename puts the new version in place (tensor-gpu's `updateDirectoryAtomically`).
 *
 * Every failure is a {@link CheckpointError} naming the file, with a hint and the underlying error
 * (a file-system error, a SafetensorsError) as `cause`.
 */
import { openAsBlob } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFsError } from '@llmforge/errors';
import { recoverDirectory, saveSafetensors, updateDirectoryAtomically } from '@llmforge/tensor-gpu/node';
import { CheckpointError } from './errors.js';
import type { Model } from './model.js';
import {
  asCheckpointError,
  CHECKPOINT_FILES,
  type CheckpointSource,
  type CheckpointStore,
  checkpointStore,
  type FromPretrainedOptions,
  fromPretrained as fromSource,
  hfCheckpointTensors,
  hfConfigText,
  LAYOUT_HINT,
} from './pretrained.js';

/**
 * The entries of a checkpoint directory that {@link savePretrained} owns: replaced (or removed) on
 * every save. Anything else in the directory is kept. The `.tmp-*` names are what an interrupted
 * writer of an earlier version of this package could leave inside the directory.
 */
export const CHECKPOINT_ENTRIES =
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
        const s = await stat(path);
        if (!s.isFile()) {
          throw new CheckpointError({
            operation: 'fromPretrained',
            file: path,
            expected: 'a readable file',
            found: s.isDirectory() ? 'a directory' : 'not a regular file',
            hint: LAYOUT_HINT,
          });
        }
        return await openAsBlob(path);
      } catch (cause) {
        if (CheckpointError.isInstance(cause)) throw cause;
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw fsFailure('fromPretrained', path, 'a readable file', cause);
      }
    },
  };
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
  try {
    if ((await stat(dir)).isDirectory()) return dir;
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
      // a save killed between its two renames leaves the directory under a temporary name; a
      // recovery that fails (a read-only parent) throws its own AtomicDirectoryError naming the step
      if ((await recoverDirectory(dir)).exists) return dir;
    }
    throw fsFailure('fromPretrained', dir, 'a checkpoint directory', cause);
  }
}

/**
 * Loads a Hugging Face GPT-2 or Llama checkpoint directory into a {@link Model} (in eval mode, as
 * HF's `from_pretrained`); any source of the main entry's `fromPretrained` (files, a URL) works
 * too, and a `file:` URL is read as a directory. Throws {@link CheckpointError} naming the file and
 * field or tensor for an unsupported `model_type`, a config.json field of the wrong type, a missing
 * or unreadable file, a corrupt safetensors file, or missing / mis-shaped / unexpected tensors. A
 * config.json describing more than twice the parameters the weight files hold fails before
 * anything is allocated. A directory whose save was killed between its two renames is recovered
 * first (see `recoverDirectory`).
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
  if (typeof source === 'string')
    return fromSource(directoryStore(await checkpointDirectory(source)), options);
  if (source instanceof URL && source.protocol === 'file:') {
    return fromSource(directoryStore(await checkpointDirectory(fileURLToPath(source))), options);
  }
  return fromSource(checkpointStore(source), options);
}

/**
 * Writes `model` as a Hugging Face checkpoint directory: `config.json` and `model.safetensors`
 * (float32, HF names and layouts, `{"format": "pt"}` metadata) that `transformers`'
 * `from_pretrained` loads: the files `encodePretrained` returns, the weights written tensor by tensor.
 *
 * The directory is replaced atomically as a whole (created if needed): the entries a checkpoint
 * consists of ({@link CHECKPOINT_ENTRIES}: config.json, model.safetensors, a shard index and shards
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
 * import { savePretrained } from '@llmforge/transformer/node';
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
  const config = hfConfigText(model); // throws for a config with no HF class, before any write
  const tensors = await hfCheckpointTensors(model);
  try {
    await updateDirectoryAtomically(
      dir,
      async (tmp) => {
        try {
          await saveSafetensors(join(tmp, CHECKPOINT_FILES.weights), tensors, { format: 'pt' });
          await writeFile(join(tmp, CHECKPOINT_FILES.config), config);
        } catch (cause) {
          throw asCheckpointError('savePretrained', dir, cause, 'room to write the checkpoint files');
        }
      },
      { owns: (name) => CHECKPOINT_ENTRIES.test(name) },
    );
  } catch (cause) {
    // an AtomicDirectoryError (the step that failed, its file-system error underneath)
    const e = asCheckpointError('savePretrained', dir, cause, 'a writable directory');
    if (
      e.found.startsWith('ENOENT') &&
      (await stat(dirname(dir)).then(
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
