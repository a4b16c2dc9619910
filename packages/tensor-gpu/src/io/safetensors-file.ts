/**
 * Streaming safetensors files (Node only): read the header, then one tensor at a time through a file
 * handle, so a file larger than memory can be loaded into a model piece by piece; write tensor by
 * tensor into a temporary file, then rename it over the target (a crash never leaves half a file).
 *
 * `node:fs/promises` is imported lazily inside the functions, so importing this module in a browser
 * bundle is harmless as long as these functions are not called there.
 */

import type { FileHandle } from 'node:fs/promises';
import { describeFsError } from '@llmforge/errors';
import {
  claimTempFile,
  releaseTempFile,
  removeOrphanTempFiles,
  syncDirectory,
  writeTarget,
} from './fs-paths.js';
import { prepareTensors } from './safetensors-encode.js';
import { SafetensorsError } from './safetensors-error.js';
import type { SafetensorsHeader, SafetensorsInput } from './safetensors-format.js';
import { encodeHeader, parseHeader, readHeaderLength } from './safetensors-header.js';
import { RangeSafetensorsReader } from './safetensors-reader.js';

async function readExactly(
  handle: FileHandle,
  length: number,
  position: number,
  file: string,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(out, done, length - done, position + done));
    } catch (cause) {
      const { found, hint } = describeFsError(cause);
      throw new SafetensorsError({
        operation: 'read',
        file,
        expected: `${length} bytes at offset ${position}`,
        found,
        hint,
        cause,
      });
    }
    if (bytesRead === 0) {
      throw new SafetensorsError({
        operation: 'read',
        file,
        expected: `${length} bytes at offset ${position}`,
        found: `end of file after ${done}`,
        hint: 'the file is truncated',
      });
    }
    done += bytesRead;
  }
  return out;
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/**
 * An open safetensors file: the parsed header, and `read(name)` for one tensor at a time.
 *
 * @example
 * ```ts
 * const f = await SafetensorsFile.open('model.safetensors');
 * try {
 *   console.log(f.metadata, f.names);
 *   const wte = await f.read('transformer.wte.weight'); // { dtype: 'F32', shape: [98, 48], data }
 * } finally {
 *   await f.close();
 * }
 * ```
 */
export class SafetensorsFile extends RangeSafetensorsReader {
  private constructor(
    /** The path it was opened from. */
    readonly path: string,
    handle: FileHandle,
    header: SafetensorsHeader,
  ) {
    super(
      path,
      header,
      (begin, end) => readExactly(handle, end - begin, begin, path),
      true,
      () => handle.close(),
    );
  }

  /** Opens a file and reads and validates its header (the tensors are not read yet). */
  static async open(path: string): Promise<SafetensorsFile> {
    const fs = await import('node:fs/promises');
    let handle: FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (cause) {
      const { found, hint } = describeFsError(cause);
      throw new SafetensorsError({
        operation: 'open',
        file: path,
        expected: 'a readable file',
        found,
        hint,
        cause,
      });
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new SafetensorsError({
          operation: 'open',
          file: path,
          expected: 'a safetensors file',
          found: stat.isDirectory() ? 'a directory' : 'not a regular file',
          hint: stat.isDirectory() ? 'pass the path of the .safetensors file inside it' : 'check the path',
        });
      }
      const size = stat.size;
      const headerLength = readHeaderLength(
        await readExactly(handle, Math.min(8, size), 0, path),
        path,
        size,
      );
      const json = await readExactly(handle, headerLength, 8, path);
      return new SafetensorsFile(path, handle, parseHeader(json, path, size - 8 - headerLength));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

/**
 * Writes tensors to `path` atomically: the header, then each tensor in chunks, into
 * `path.tmp-<pid>-<random>`, fsynced and renamed over `path`, then the directory is fsynced. On
 * failure the temporary file is removed and `path` is untouched. A symbolic link at `path` is
 * followed (the link stays, its target is replaced); a directory, device, FIFO or socket there is
 * refused. Temporaries that killed writers left beside `path` are removed first. File-system failures (a missing directory, no permission, a full disk) raise
 * {@link SafetensorsError} naming the file, with the original error as `cause`.
 *
 * @example
 * ```ts
 * await writeSafetensorsFile('w.safetensors', { w: { dtype: 'F16', shape: [2], data: [0.5, 1] } });
 * ```
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: SafetensorsInput,
  metadata: Readonly<Record<string, string>> = {},
): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const prepared = prepareTensors(tensors, path);
  const header = encodeHeader(prepared, metadata);
  const failed = (expected: string, cause: unknown): SafetensorsError => {
    if (SafetensorsError.isInstance(cause)) return cause;
    const { found, hint } = describeFsError(cause);
    return new SafetensorsError({ operation: 'saveSafetensors', file: path, expected, found, hint, cause });
  };
  let target: string;
  try {
    const where = await writeTarget(path);
    if ('problem' in where) {
      throw new SafetensorsError({
        operation: 'saveSafetensors',
        file: path,
        expected: 'a file path (a new file or a regular file to replace)',
        found: where.problem,
        hint:
          where.problem === 'a directory'
            ? 'name the file inside it, e.g. <dir>/model.safetensors'
            : 'writing replaces the file by renaming a new one over it: pick a regular file path',
      });
    }
    target = where.path;
  } catch (cause) {
    throw failed('a file path', cause);
  }
  const tmp = claimTempFile(target);
  let handle: FileHandle | undefined;
  let step = 'a writable directory';
  try {
    // what writers killed mid-write left here (a crash never leaves half a file, but a temporary)
    await removeOrphanTempFiles(target);
    handle = await fs.open(tmp, 'w');
    step = 'room to write the file';
    await writeAll(handle, header);
    for (const t of prepared) {
      for (const chunk of t.chunks()) await writeAll(handle, chunk);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    step = 'to rename the finished file into place';
    await fs.rename(tmp, target);
  } catch (cause) {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw failed(step, cause);
  } finally {
    releaseTempFile(tmp);
  }
  try {
    await syncDirectory(dirname(target));
  } catch (cause) {
    throw failed('to fsync the directory', cause);
  }
}
