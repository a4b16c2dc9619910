/**
 * Replacing some entries of a directory as a whole while keeping the others (Node only): what
 * `savePretrained` does to a model directory that also holds a tokenizer, a README or a trainer's
 * files.
 *
 * The semantics: `owns(name)` says which top-level entries the update writes (e.g. `config.json`,
 * `model.safetensors`, stale shards). The new version of the directory is
 *
 *     the previous version's entries that the update does not own   (carried over unchanged)
 *   + what `write(tmp)` puts in the temporary directory               (the owned entries)
 *
 * built in a temporary sibling and put in place by {@link writeDirectoryAtomically}: a reader sees
 * the previous directory or the new one, never a mix (new weights with an old config), whatever
 * moment the writer dies at. Carried entries are hard links to the previous version's files (a copy
 * where the file system cannot link), so keeping a 10 GB file beside a small checkpoint costs
 * nothing; folders are rebuilt and symbolic links copied as links. Owned entries of the previous
 * version that `write` does not produce are gone from the new one (a stale shard).
 *
 * Called on the temporary directory of a `writeDirectoryAtomically` in progress in this process (a
 * checkpoint manager whose write callback saves a model into its temporary directory), it writes
 * there directly, after removing the owned entries: the outer write already makes the result appear
 * atomically, and a second temporary sibling would only be one more thing a crash could leave.
 *
 * One writer per directory: an entry another process adds to the directory while an update runs is
 * not in the new version. A symbolic link to a directory is followed (the link stays; its target is
 * updated). Devices, FIFOs and sockets in the directory cannot be carried over and fail the update
 * before anything changes.
 */

import {
  AtomicDirectoryError,
  type AtomicDirectoryOptions,
  isWritingInto,
  writeDirectoryAtomically,
} from './atomic-directory.js';
import { statOrUndefined } from './fs-paths.js';

/** Options of {@link updateDirectoryAtomically}. */
export interface UpdateDirectoryOptions extends AtomicDirectoryOptions {
  /** True for the top-level entry names the update owns (writes, or drops when it does not write them). */
  owns: (name: string) => boolean;
}

/** Copies `from` to `to` as hard links (files), new folders, and copied links; throws on anything else. */
async function carry(from: string, to: string, dir: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const st = await fs.lstat(from);
  if (st.isDirectory()) {
    await fs.mkdir(to, { mode: st.mode & 0o7777 });
    for (const name of await fs.readdir(from)) await carry(path.join(from, name), path.join(to, name), dir);
  } else if (st.isFile()) {
    try {
      await fs.link(from, to);
    } catch {
      await fs.copyFile(from, to); // a file system without hard links (or across devices)
    }
  } else if (st.isSymbolicLink()) {
    await fs.symlink(await fs.readlink(from), to);
  } else {
    throw new AtomicDirectoryError({
      operation: 'updateDirectoryAtomically',
      file: dir,
      where: path.relative(dir, from),
      expected: 'files, folders and symbolic links to carry over',
      found: st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device',
      hint: 'move it out of the directory: the new version of the directory is a copy of the old one',
    });
  }
}

/** A file-system failure of an update, as an {@link AtomicDirectoryError} naming the directory. */
function fsFailure(target: string, expected: string, hint: string, cause: unknown): never {
  throw new AtomicDirectoryError({
    operation: 'updateDirectoryAtomically',
    file: target,
    expected,
    found: (cause as NodeJS.ErrnoException).code ?? String(cause),
    hint,
    cause,
  });
}

/**
 * Writes the entries `options.owns` names into `dir` and keeps every other entry, atomically as a
 * whole (see the module comment for the exact semantics). Creates `dir` when absent.
 *
 * @example
 * ```ts
 * // replace the weights and config of a model directory, keep its tokenizer.json and README.md
 * await updateDirectoryAtomically('out/model', async (tmp) => {
 *   await saveSafetensors(`${tmp}/model.safetensors`, tensors);
 *   await writeFile(`${tmp}/config.json`, json);
 * }, { owns: (name) => name === 'model.safetensors' || name === 'config.json' });
 * ```
 */
export async function updateDirectoryAtomically(
  dir: string,
  write: (tmpDir: string) => Promise<void>,
  options: UpdateDirectoryOptions,
): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  let target = path.resolve(dir);
  try {
    if ((await statOrUndefined(target))?.isSymbolicLink()) target = await fs.realpath(target);
  } catch (cause) {
    fsFailure(
      target,
      'a symbolic link that resolves',
      'the link points nowhere (or into a loop): fix or remove it',
      cause,
    );
  }
  if (isWritingInto(target)) {
    try {
      for (const name of await fs.readdir(target)) {
        if (options.owns(name)) await fs.rm(path.join(target, name), { recursive: true, force: true });
      }
    } catch (cause) {
      fsFailure(target, 'to clear the entries it owns', 'check that the directory is writable', cause);
    }
    await write(target);
    return;
  }
  await writeDirectoryAtomically(
    target,
    async (tmp) => {
      const previous = await statOrUndefined(target);
      if (previous?.isDirectory()) {
        for (const name of await fs.readdir(target)) {
          if (!options.owns(name)) await carry(path.join(target, name), path.join(tmp, name), target);
        }
      }
      await write(tmp);
    },
    options,
  );
}
