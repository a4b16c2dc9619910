/**
 * File-system steps the writers of this folder share (Node only): creating a directory and its
 * missing parents without Node's recursive `mkdir`, fsyncing a directory, and resolving where a file
 * write should land.
 *
 * Why not `mkdir(dir, { recursive: true })`: on some file systems `mkdir` answers ENOENT although
 * the parent exists (`/proc/x`: /proc takes no new entries), and Node's recursive mkdir then creates
 * the parent (EEXIST), retries the child (ENOENT) and loops forever. Here each level is tried at
 * most twice, so such a path fails at once with the ENOENT.
 *
 * `node:fs/promises` and `node:path` are imported lazily, so importing this module in a browser
 * bundle is harmless as long as these functions are not called there.
 */

import type { Stats } from 'node:fs';

type Fs = typeof import('node:fs/promises');

async function fsModule(): Promise<Fs> {
  return import('node:fs/promises');
}

/** A Node-style error with a code, for the conditions found here rather than thrown by the OS. */
function codeError(code: string, message: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, '${path}'`), { code, path });
}

/**
 * Whether process `pid` is running (a process of another user counts: EPERM means it exists).
 *
 * @example
 * ```ts
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temporary files being written by this process, which an orphan sweep must leave alone. */
const writing = new Set<string>();

/**
 * The temporary name an atomic write of `file` uses: `<file>.tmp-<pid>-<random>`, registered as in
 * flight until {@link releaseTempFile}, so a concurrent {@link removeOrphanTempFiles} of this
 * process leaves it alone.
 */
export function claimTempFile(file: string): string {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10).padEnd(8, '0')}`;
  writing.add(tmp);
  return tmp;
}

/** Ends the claim of {@link claimTempFile}. */
export function releaseTempFile(tmp: string): void {
  writing.delete(tmp);
}

/**
 * Removes the `<file>.tmp-<pid>-<random>` files that writers killed mid-write left beside `file`
 * (their process is gone), and returns their names. The temporaries of live processes stay.
 *
 * @example
 * ```ts
 * await removeOrphanTempFiles('ckpt/model.safetensors'); // ['model.safetensors.tmp-4242-k3j2h1ab']
 * ```
 */
export async function removeOrphanTempFiles(file: string): Promise<string[]> {
  const fs = await fsModule();
  const path = await import('node:path');
  const dir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw cause;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.tmp-`)) continue;
    const m = /^\.tmp-(\d+)-[a-z0-9]+$/.exec(name.slice(base.length));
    if (!m) continue;
    const full = path.join(dir, name);
    const pid = Number(m[1]);
    const live =
      pid === process.pid ? [...writing].some((w) => path.resolve(w) === full) : isProcessAlive(pid);
    if (live) continue;
    await fs.rm(full, { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * `lstat`, or undefined when nothing is at `path` (also when a parent is a file, so nothing can be
 * there: ENOTDIR); other errors are thrown.
 *
 * @example
 * ```ts
 * (await statOrUndefined('/tmp'))?.isDirectory(); // true
 * ```
 */
export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  const fs = await fsModule();
  try {
    return await fs.lstat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw cause;
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time. Throws the file system's error
 * (ENOTDIR when a parent is a file, EACCES, EROFS, ENOENT where a file system refuses new entries,
 * ...) instead of looping; callers wrap it in their typed error.
 *
 * @example
 * ```ts
 * await makeDirectories('runs/a/checkpoints'); // like mkdir -p
 * ```
 */
export async function makeDirectories(dir: string): Promise<void> {
  const fs = await fsModule();
  const path = await import('node:path');
  const abs = path.resolve(dir);
  const tryMake = async (): Promise<'made' | 'missing-parent'> => {
    try {
      await fs.mkdir(abs);
      return 'made';
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if ((await fs.stat(abs)).isDirectory()) return 'made';
        throw codeError('ENOTDIR', 'not a directory', abs);
      }
      if (code === 'ENOENT') return 'missing-parent';
      throw cause;
    }
  };
  if ((await tryMake()) === 'made') return;
  const parent = path.dirname(abs);
  if (parent === abs) throw codeError('ENOENT', 'no such file or directory', abs);
  await makeDirectories(parent);
  // The parent exists now: a second ENOENT means this file system takes no new entry here.
  if ((await tryMake()) === 'missing-parent') {
    throw codeError('ENOENT', 'cannot create a directory here', abs);
  }
}

/**
 * fsyncs a directory, which makes the entries created or renamed in it durable (POSIX). Windows
 * cannot open a directory for this; there it does nothing.
 *
 * @example
 * ```ts
 * await rename(tmp, target);
 * await syncDirectory(dirname(target));
 * ```
 */
export async function syncDirectory(dir: string): Promise<void> {
  const fs = await fsModule();
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (!(process.platform === 'win32' && (code === 'EPERM' || code === 'EISDIR'))) throw cause;
  } finally {
    await handle?.close();
  }
}

/**
 * fsyncs a file: opened for writing where allowed (Windows needs it), else read-only (a file
 * without write permission, e.g. one carried over from a previous version of a directory).
 *
 * @example
 * ```ts
 * await syncFile('ckpt/model.safetensors');
 * ```
 */
export async function syncFile(file: string): Promise<void> {
  const fs = await fsModule();
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await fs.open(file, 'r+');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw cause;
    handle = await fs.open(file, 'r');
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Where an atomic write of `file` should put its result: `file` itself when nothing or a regular
 * file is there, the link's target when `file` is a symbolic link (so the link survives the
 * rename). A directory, device, FIFO or socket is refused (`problem` says which): renaming a new
 * file over those would replace them silently (`/dev/null` is a character device).
 *
 * @example
 * ```ts
 * await writeTarget('out.safetensors'); // { path: 'out.safetensors' }
 * await writeTarget('/dev/null');       // { problem: 'a character device' }
 * ```
 */
export async function writeTarget(file: string): Promise<{ path: string } | { problem: string }> {
  const fs = await fsModule();
  const st = await statOrUndefined(file);
  if (st === undefined || st.isFile()) return { path: file };
  if (st.isSymbolicLink()) {
    let target: string;
    try {
      target = await fs.realpath(file);
    } catch (cause) {
      // a dangling link: write where it points
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      const path = await import('node:path');
      return { path: path.resolve(path.dirname(file), await fs.readlink(file)) };
    }
    return writeTarget(target);
  }
  if (st.isDirectory()) return { problem: 'a directory' };
  if (st.isCharacterDevice()) return { problem: 'a character device' };
  if (st.isBlockDevice()) return { problem: 'a block device' };
  if (st.isFIFO()) return { problem: 'a FIFO' };
  return { problem: 'a socket' };
}
