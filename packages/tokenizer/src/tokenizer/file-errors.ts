/**
 * File-system failures as TokenizerErrors: `loadTokenizer(path)`, `saveTokenizer` and the CLI name the file, say what
 * went wrong in words, give a hint, and keep the Node error as `cause`.
 *
 *     ENOENT on read  -> "loadTokenizer: tok.json: expected a readable file, found no such file; hint: check the path ..."
 *     ENOSPC on write -> "saveTokenizer: out.json: expected to write the file, found the disk is full; hint: ..."
 */
import { describeCause } from '@llmforge/errors';
import { TokenizerError } from '../errors.js';

/** A TokenizerError for a failed file operation (errors that are already TokenizerErrors pass through). */
export function fileError(operation: string, file: string, cause: unknown, action: 'read' | 'write'): Error {
  if (TokenizerError.isInstance(cause)) return cause as Error;
  const code = (cause as { code?: unknown } | null)?.code;
  const [found, hint] = describeCode(typeof code === 'string' ? code : undefined, action, cause);
  return new TokenizerError({
    operation,
    file,
    expected: action === 'read' ? 'a readable file' : 'to write the file',
    found,
    hint,
    cause,
  });
}

function describeCode(code: string | undefined, action: 'read' | 'write', cause: unknown): [string, string] {
  switch (code) {
    case 'ENOENT':
      return action === 'read'
        ? ['no such file', 'check the path (relative paths start at the current directory)']
        : ['its folder does not exist', 'create the folder first'];
    case 'EISDIR':
      return ['a directory', 'give the path of a file inside it (e.g. dir/tokenizer.json)'];
    case 'ENOTDIR':
      return [
        'a path through something that is not a directory',
        'a parent in the path is a file; fix the path',
      ];
    case 'EACCES':
    case 'EPERM':
      return [
        'permission denied',
        `check the ${action === 'read' ? 'read' : 'write'} permissions of the file and its folder`,
      ];
    case 'EROFS':
      return ['a read-only file system', 'write somewhere writable'];
    case 'ENOSPC':
    case 'EDQUOT':
      return ['the disk is full', 'free some space and try again; nothing was replaced'];
    case 'ENAMETOOLONG':
      return ['a path that is too long', 'use a shorter path'];
    case 'EMFILE':
    case 'ENFILE':
      return ['too many open files', 'close files or raise the limit (ulimit -n)'];
    default:
      return [
        describeCause(cause),
        action === 'read'
          ? 'check that the file exists and can be read'
          : 'check that the folder exists and can be written',
      ];
  }
}

/**
 * Writes `data` (text as UTF-8, or bytes) to `path` atomically: a temporary file beside it, flushed to disk, then renamed over
 * `path` (and the folder flushed, where the platform allows), so a reader sees the old file or the
 * new one, never a torn one, and a full disk leaves the old file in place. Node only. Failures are
 * TokenizerErrors naming `path` (see {@link fileError}); the temporary file is removed.
 *
 * @example
 * ```ts
 * await writeFileAtomically('out/tokenizer.json', tok.toBytes(), 'saveTokenizer');
 * ```
 */
export async function writeFileAtomically(
  path: string,
  data: string | Uint8Array,
  operation: string,
): Promise<void> {
  const { open, rename, unlink } = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let created = false;
  try {
    const handle = await open(tmp, 'wx');
    created = true;
    try {
      await handle.writeFile(data, typeof data === 'string' ? 'utf8' : undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    created = false;
  } catch (cause) {
    if (created) {
      try {
        await unlink(tmp);
      } catch {
        // The temporary file is already gone, or its folder refuses writes: nothing more to undo.
      }
    }
    throw fileError(operation, path, cause, 'write');
  }
  await syncDirectory(dir);
}

/** Flushes a folder's entries (the rename) to disk; not supported everywhere (Windows), so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened or synced on some platforms; the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}
