/**
 * What a file-system error means for the person who hit it: Node throws `ENOSPC: no space left on
 * device, write` with a code; a typed error wrapping it (`CheckpointError`, `SafetensorsError`,
 * `TokenizerFormatError`, ...) keeps the original as `cause` and puts this description and hint in
 * its `found` and `hint`:
 *
 *   `savePretrained: out/model: expected a writable directory, found ENOSPC (no space left on
 *    device); hint: the disk or quota is full: free some space or write somewhere else`
 */

/** A description of a file-system error (`found`) and what to do about it (`hint`). */
export interface FsErrorDescription {
  /** The error code and its meaning, e.g. `ENOENT (no such file or directory)`. */
  found: string;
  /** What the caller can do about it. */
  hint: string;
  /** The Node error code (`ENOENT`, `ENOSPC`, ...), or undefined for an error without one. */
  code: string | undefined;
}

const HINTS: Readonly<Record<string, readonly [meaning: string, hint: string]>> = {
  ENOENT: [
    'no such file or directory',
    'check the path: it, or one of its parent directories, does not exist',
  ],
  ENOTDIR: ['not a directory', 'a component of the path is a file where a directory is expected'],
  EISDIR: ['is a directory', 'the path names a directory where a file is expected'],
  EACCES: ['permission denied', 'check the owner and permissions of the path and of its parent directory'],
  EPERM: [
    'operation not permitted',
    'check the owner and permissions of the path and of its parent directory',
  ],
  EROFS: ['read-only file system', 'the file system is mounted read-only: write somewhere else'],
  ENOSPC: ['no space left on device', 'the disk is full: free some space or write somewhere else'],
  EDQUOT: ['disk quota exceeded', 'your disk quota is used up: free some space or write somewhere else'],
  EFBIG: ['file too large', 'the file system does not take files this large: write somewhere else'],
  EEXIST: ['file already exists', 'something already exists at that path: remove it or pick another path'],
  ENOTEMPTY: ['directory not empty', 'a directory in the way is not empty: remove it or pick another path'],
  EMFILE: ['too many open files', 'the process has too many files open: raise the limit (ulimit -n)'],
  ENFILE: ['too many open files in the system', 'the system has too many files open: retry later'],
  ENAMETOOLONG: ['file name too long', 'shorten the path'],
  ELOOP: ['too many symbolic links', 'the path has a symbolic link loop'],
  EIO: ['input/output error', 'the disk or network file system failed: check it and retry'],
  EBUSY: ['resource busy', 'another process holds the path: retry when it is done'],
  EXDEV: ['cross-device link', 'source and destination are on different file systems'],
  EINVAL: ['invalid argument', 'the path or the file system does not support this operation'],
};

/**
 * Describes a thrown file-system error for a typed error's `found` and `hint`.
 *
 * @example
 * ```ts
 * try { await readFile('missing.json'); }
 * catch (cause) {
 *   const { found, hint } = describeFsError(cause);
 *   // found: 'ENOENT (no such file or directory)', hint: 'check the path: it, or one of ...'
 *   throw new CheckpointError({ operation: 'load', file: 'missing.json', expected: 'a readable file', found, hint, cause });
 * }
 * ```
 */
export function describeFsError(cause: unknown): FsErrorDescription {
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const known = HINTS[code];
    if (known) return { found: `${code} (${known[0]})`, hint: known[1], code };
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      found: message.startsWith(code) ? message : `${code} (${message})`,
      hint: 'check the path',
      code,
    };
  }
  return {
    found: cause instanceof Error ? cause.message : String(cause),
    hint: 'check the path',
    code: undefined,
  };
}
