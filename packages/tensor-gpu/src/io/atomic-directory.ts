/**
 * Writing a whole directory atomically (Node only): a checkpoint, a `savePretrained` output, a
 * prepared dataset. Readers see either the previous complete directory or the new complete one,
 * never a mix, whatever moment the writing process dies at.
 *
 * POSIX renames a file or an empty-target directory atomically, but cannot swap two non-empty
 * directories in one call (Linux's `renameat2(RENAME_EXCHANGE)` is not reachable from Node). So a
 * replacement takes named steps, and every intermediate state is recognisable from its name alone
 * (`dir` = `/runs/ckpt`, siblings in `/runs`):
 *
 * ```
 * 1. write into   .ckpt.tmp-<pid>-<rand>/     fsync every file and folder        (incomplete)
 * 2. rename to    .ckpt.new-<pid>-<rand>/     fsync the parent                   (complete, not in place)
 * 3. rename       ckpt/ → .ckpt.old-<pid>-<rand>/                                (only when ckpt/ exists)
 * 4. rename       .ckpt.new-… → ckpt/         fsync the parent                   (in place)
 * 5. remove       .ckpt.old-…/
 * ```
 *
 * A crash between 3 and 4 leaves no `ckpt/`, a complete `.new-` and the complete `.old-`:
 * {@link recoverDirectory} (which every write runs first, and a reader may run before reading)
 * puts the newest complete version back in place, and removes what dead writers left behind:
 *
 * | found after a crash                  | recovery                                      |
 * |--------------------------------------|-----------------------------------------------|
 * | `.tmp-*`                             | removed (never complete)                      |
 * | `ckpt/` and any `.new-*` / `.old-*`  | `ckpt/` kept (it is complete), the rest removed |
 * | no `ckpt/`, a `.new-*`               | the `.new-*` renamed to `ckpt/`, `.old-*` removed |
 * | no `ckpt/`, only an `.old-*`         | the `.old-*` renamed back to `ckpt/`          |
 *
 * The destination must be a directory or absent: a file or a symbolic link there is refused
 * (ENOTDIR), never replaced.
 *
 * Entries whose `<pid>` is a live process other than this one are left alone (another writer is at
 * work); one directory should have one writer at a time.
 *
 * `node:fs/promises` is imported lazily, so importing this module in a browser bundle is harmless
 * as long as these functions are not called there.
 */

import type { Dirent } from 'node:fs';
import { LlmforgeError } from '@llmforge/errors';
import { TensorError } from '../errors.js';
import { isProcessAlive, makeDirectories, statOrUndefined, syncDirectory, syncFile } from './fs-paths.js';

/**
 * Writing or recovering a directory failed (permissions, a full disk, a file where a directory was
 * expected). The message names the directory and the step.
 *
 * @example
 * ```ts
 * try { await writeDirectoryAtomically('/read-only/ckpt', write); }
 * catch (e) { if (AtomicDirectoryError.isInstance(e)) console.error(e.file, e.found); }
 * ```
 */
export class AtomicDirectoryError extends TensorError {
  static override readonly errorName: string = 'AtomicDirectoryError';
}

/** Options of {@link writeDirectoryAtomically}. */
export interface AtomicDirectoryOptions {
  /**
   * fsync every written file and folder before the rename (default true). Without it a power loss
   * (not a process crash) can leave a renamed directory whose files are empty.
   */
  fsync?: boolean;
}

/** What {@link recoverDirectory} found and did. */
export interface RecoverResult {
  /** Whether `dir` exists (complete) after recovery. */
  exists: boolean;
  /** `'new'` or `'old'` when an interrupted replacement was completed or rolled back. */
  restored: 'new' | 'old' | null;
  /** Names of the leftover entries removed. */
  removed: string[];
}

type Fs = typeof import('node:fs/promises');
type PathModule = typeof import('node:path');

/** `.ckpt.tmp-123-k3j2h1` → { kind: 'tmp', pid: 123 } for base `ckpt`. */
const ENTRY = /^\.(.+)\.(tmp|new|old)-(\d+)-[a-z0-9]+$/;

/** Names of calls in flight in this process, so a recovery never removes its own live work. */
const inFlight = new Set<string>();

/** The end of a temporary directory's name (`.<base>.tmp-<pid>-<tag>`). */
const TMP_SUFFIX = /\.tmp-\d+-[a-z0-9]+$/;

/**
 * True when `abs` (an absolute path) is the temporary directory of a {@link writeDirectoryAtomically}
 * of this process that is still being written: whatever goes into it becomes visible atomically
 * anyway, so a writer nested inside (a `savePretrained` called by a checkpoint manager's write) can
 * write into it directly.
 *
 * @example
 * ```ts
 * await writeDirectoryAtomically('/runs/a/step-1', async (tmp) => {
 *   isWritingInto(tmp); // true (tmp is absolute)
 * });
 * ```
 */
export function isWritingInto(abs: string): boolean {
  return inFlight.has(abs) && TMP_SUFFIX.test(abs);
}

function randomTag(): string {
  return Math.random().toString(36).slice(2, 10).padEnd(8, '0');
}

async function modules(): Promise<{ fs: Fs; path: PathModule }> {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, path };
}

function fail(operation: string, dir: string, step: string, cause: unknown): never {
  if (AtomicDirectoryError.isInstance(cause)) throw cause;
  throw new AtomicDirectoryError({
    operation,
    file: dir,
    expected: `to ${step}`,
    found: (cause as NodeJS.ErrnoException).code ?? String(cause),
    hint: 'check that the parent directory exists, is writable and has free space',
    cause,
  });
}

/** fsync every file and folder under `dir`, deepest first, then `dir` itself. */
async function syncTree(fs: Fs, path: PathModule, dir: string): Promise<void> {
  const entries: Dirent[] = await fs.readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await syncTree(fs, path, p);
    else if (e.isFile()) await syncFile(p);
  }
  await syncDirectory(dir);
}

async function exists(fs: Fs, p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw cause;
  }
}

/**
 * Brings `dir` back to a complete state after a writer died: finishes or rolls back an interrupted
 * replacement, and removes the temporary siblings that dead writers left (see the module comment).
 * {@link writeDirectoryAtomically} runs it first; run it yourself before reading a directory that a
 * crashed process may have been replacing.
 *
 * @example
 * ```ts
 * const { exists, restored, removed } = await recoverDirectory('runs/a/checkpoints/best');
 * if (restored) console.log(`finished an interrupted save (${restored})`, removed);
 * ```
 */
export async function recoverDirectory(dir: string): Promise<RecoverResult> {
  const { fs, path } = await modules();
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  const result: RecoverResult = { exists: false, restored: null, removed: [] };
  try {
    let names: string[];
    try {
      names = await fs.readdir(parent);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return result;
      throw cause;
    }
    const leftovers = { tmp: [] as string[], new: [] as string[], old: [] as string[] };
    for (const name of names) {
      const m = ENTRY.exec(name);
      if (!m || m[1] !== base) continue;
      const pid = Number(m[3]);
      const live = pid === process.pid ? inFlight.has(path.join(parent, name)) : isProcessAlive(pid);
      if (live) continue;
      leftovers[m[2] as 'tmp' | 'new' | 'old'].push(name);
    }
    const remove = async (name: string): Promise<void> => {
      await fs.rm(path.join(parent, name), { recursive: true, force: true });
      result.removed.push(name);
    };
    for (const name of leftovers.tmp) await remove(name);
    result.exists = await exists(fs, abs);
    if (!result.exists) {
      // newest complete version first: a finished `.new-` beats the `.old-` it was replacing
      const byTime = async (list: string[]) => {
        const timed = await Promise.all(
          list.map(async (n) => ({ n, t: (await fs.stat(path.join(parent, n))).mtimeMs })),
        );
        return timed.sort((a, b) => b.t - a.t).map((x) => x.n);
      };
      const candidates = [...(await byTime(leftovers.new)), ...(await byTime(leftovers.old))];
      // the first candidate that can be moved into place (if renaming the new one fails, e.g. the
      // very failure that interrupted the write, the previous version goes back instead)
      let failure: unknown;
      for (const pick of candidates) {
        try {
          await fs.rename(path.join(parent, pick), abs);
        } catch (cause) {
          failure ??= cause;
          continue;
        }
        await syncDirectory(parent);
        result.exists = true;
        result.restored = leftovers.new.includes(pick) ? 'new' : 'old';
        leftovers.new = leftovers.new.filter((n) => n !== pick);
        leftovers.old = leftovers.old.filter((n) => n !== pick);
        break;
      }
      if (!result.exists && failure !== undefined) throw failure;
    }
    for (const name of [...leftovers.new, ...leftovers.old]) await remove(name);
    if (result.removed.length > 0) await syncDirectory(parent);
    return result;
  } catch (cause) {
    return fail('recoverDirectory', abs, 'recover the directory', cause);
  }
}

/**
 * Writes a directory as a whole: `write(tmp)` fills a fresh temporary sibling, which is fsynced and
 * then put in place of `dir` (replacing a previous version, if any) as described in the module
 * comment. If `write` throws, the temporary directory is removed and `dir` is untouched.
 *
 * @example
 * ```ts
 * await writeDirectoryAtomically('runs/a/checkpoints/step-000100', async (tmp) => {
 *   await writeSafetensorsFile(`${tmp}/model.safetensors`, tensors);
 *   await writeFile(`${tmp}/config.json`, JSON.stringify(config));
 * });
 * ```
 */
export async function writeDirectoryAtomically(
  dir: string,
  write: (tmpDir: string) => Promise<void>,
  options: AtomicDirectoryOptions = {},
): Promise<void> {
  const { fs, path } = await modules();
  const abs = path.resolve(dir);
  const parent = path.dirname(abs);
  const base = path.basename(abs);
  const sibling = (kind: string) => path.join(parent, `.${base}.${kind}-${process.pid}-${randomTag()}`);
  const tmp = sibling('tmp');
  const fresh = sibling('new');
  const old = sibling('old');
  const mine = [tmp, fresh, old];
  for (const p of mine) inFlight.add(p);
  let step = 'create the parent directory';
  try {
    await makeDirectories(parent); // not mkdir -p: Node's loops forever under /proc
    await recoverDirectory(abs);
    step = 'find a directory (or nothing) at the destination';
    const current = await statOrUndefined(abs);
    if (current !== undefined && !current.isDirectory()) {
      // renaming over it would replace a file (or a link) the caller never meant to lose
      throw Object.assign(new Error(`ENOTDIR: not a directory, '${abs}'`), { code: 'ENOTDIR' });
    }
    step = 'create the temporary directory';
    await fs.mkdir(tmp);
    step = 'write the directory contents';
    await write(tmp);
    if (options.fsync ?? true) {
      step = 'fsync the written files';
      await syncTree(fs, path, tmp);
    }
    step = 'move the directory into place';
    if (await exists(fs, abs)) {
      await fs.rename(tmp, fresh); // complete, recognisable by name
      await syncDirectory(parent);
      await fs.rename(abs, old);
      await fs.rename(fresh, abs);
      await syncDirectory(parent);
      step = 'remove the previous version';
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, abs);
      await syncDirectory(parent);
    }
  } catch (cause) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    for (const p of mine) inFlight.delete(p);
    // an error between the two renames of a replacement: put the newest complete version back now
    await recoverDirectory(abs).catch(() => undefined);
    // the caller's own typed error (from whatever wrote the files) passes through unchanged
    if (step === 'write the directory contents' && LlmforgeError.isInstance(cause)) throw cause;
    return fail('writeDirectoryAtomically', abs, step, cause);
  } finally {
    for (const p of mine) inFlight.delete(p);
  }
}
