/**
 * Reading token shards without loading them: `ShardReader.open(path)` checks the header, then
 * `read(start, length)` copies one window of tokens into an Int32Array with one positioned read
 * (what llm.c's loader does with fseek + fread), so a 200 MB shard costs a file handle, not 200 MB.
 *
 * For BOS-aligned packing, `documentStarts(delimiter)` scans the shard once (in 4 MB chunks) for
 * the positions of the delimiter token that `prepareCorpus` writes before every document.
 */

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ShardFormatError } from '../errors.js';
import { decodeShardHeader, SHARD_HEADER_BYTES, type ShardHeader } from './shard-format.js';

const SCAN_TOKENS = 1 << 21;

/**
 * An open llm.c token shard.
 *
 * @example
 * ```ts
 * const shard = ShardReader.open('data/austen_train_000000.bin');
 * const window = shard.read(1000, 65); // Int32Array of 65 token ids
 * shard.close();
 * ```
 */
export class ShardReader {
  private fd: number | null;
  private starts = new Map<number, Uint32Array>();

  private constructor(
    /** The path it was opened from. */
    readonly path: string,
    fd: number,
    /** The decoded header. */
    readonly header: ShardHeader,
  ) {
    this.fd = fd;
  }

  /** Opens a shard and checks its header against the file size. */
  static open(path: string): ShardReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (cause) {
      throw new ShardFormatError({
        operation: 'openShard',
        file: path,
        expected: 'a readable .bin shard',
        found: (cause as NodeJS.ErrnoException).code ?? String(cause),
        hint: 'check the path (llmforge-prepare writes <name>_train_000000.bin, ...)',
        cause,
      });
    }
    try {
      const head = new Uint8Array(SHARD_HEADER_BYTES);
      const got = readSync(fd, head, 0, SHARD_HEADER_BYTES, 0);
      const header = decodeShardHeader(head.subarray(0, got), path, fstatSync(fd).size);
      return new ShardReader(path, fd, header);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Number of tokens in the shard. */
  get tokens(): number {
    return this.header.tokens;
  }

  /** Copies tokens [start, start + length) into `out` (or a new Int32Array). */
  read(start: number, length: number, out: Int32Array = new Int32Array(length)): Int32Array {
    if (this.fd === null) {
      throw new ShardFormatError({
        operation: 'readShard',
        file: this.path,
        expected: 'an open shard',
        found: 'a closed one',
      });
    }
    if (!(start >= 0 && length >= 0 && start + length <= this.tokens)) {
      throw new ShardFormatError({
        operation: 'readShard',
        file: this.path,
        expected: `a window inside [0, ${this.tokens})`,
        found: `[${start}, ${start + length})`,
      });
    }
    const bpt = this.header.bytesPerToken;
    const raw = new Uint8Array(length * bpt);
    let done = 0;
    while (done < raw.length) {
      const n = readSync(this.fd, raw, done, raw.length - done, SHARD_HEADER_BYTES + start * bpt + done);
      if (n === 0) break;
      done += n;
    }
    // files are little-endian, as every platform Node runs on
    const tokens = bpt === 2 ? new Uint16Array(raw.buffer) : new Uint32Array(raw.buffer);
    out.set(tokens.subarray(0, length));
    return out;
  }

  /** Positions of every `delimiter` token (document starts), cached per delimiter. */
  documentStarts(delimiter: number): Uint32Array {
    const cached = this.starts.get(delimiter);
    if (cached) return cached;
    let found = new Uint32Array(1024);
    let n = 0;
    const chunk = new Int32Array(SCAN_TOKENS);
    for (let at = 0; at < this.tokens; at += SCAN_TOKENS) {
      const len = Math.min(SCAN_TOKENS, this.tokens - at);
      this.read(at, len, chunk);
      for (let i = 0; i < len; i++) {
        if (chunk[i] !== delimiter) continue;
        if (n === found.length) {
          const grown = new Uint32Array(found.length * 2);
          grown.set(found);
          found = grown;
        }
        found[n++] = at + i;
      }
    }
    const starts = found.slice(0, n);
    this.starts.set(delimiter, starts);
    return starts;
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
