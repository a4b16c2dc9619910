/**
 * Streaming writer of llm.c token shards: tokens are appended to a 1 M-token buffer that is flushed
 * to the open shard; when a shard reaches `shardTokens` it is closed (its header rewritten with the
 * final count) and the next one starts, so memory stays at the buffer whatever the corpus size.
 * Documents may straddle two shards, as in llm.c's `fineweb.py`.
 *
 * Files are named `<name>_<split>_<index>.bin` (`austen_train_000000.bin`), llm.c's convention.
 * The writer writes into a directory that `prepareCorpus` renames into place as a whole.
 */

import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeShardHeader, SHARD_HEADER_BYTES, type ShardVersion } from '../data/shard-format.js';

/** One written shard, as listed in the dataset's sidecar JSON. */
export interface ShardInfo {
  /** File name, relative to the dataset directory. */
  file: string;
  tokens: number;
}

const BUFFER_TOKENS = 1 << 20;

/**
 * Writes one split's tokens into numbered shards.
 *
 * @example
 * ```ts
 * const w = new ShardWriter({ dir: 'out', name: 'austen', split: 'train', version: 1, shardTokens: 1e8 });
 * await w.append([50256, 15496, 995]);
 * const shards = await w.finish(); // [{ file: 'austen_train_000000.bin', tokens: 3 }]
 * ```
 */
export class ShardWriter {
  private readonly buffer: Uint16Array | Uint32Array;
  private buffered = 0;
  private handle: FileHandle | null = null;
  private inShard = 0;
  private readonly shards: ShardInfo[] = [];

  constructor(
    private readonly o: {
      dir: string;
      name: string;
      split: string;
      version: ShardVersion;
      /** Tokens per shard (the last one holds the rest). */
      shardTokens: number;
    },
  ) {
    this.buffer = o.version === 1 ? new Uint16Array(BUFFER_TOKENS) : new Uint32Array(BUFFER_TOKENS);
  }

  /** Tokens written so far, over all shards. */
  get tokens(): number {
    return this.shards.reduce((s, x) => s + x.tokens, 0) + this.inShard + this.buffered;
  }

  /** Appends tokens (ids must fit the shard version's integer width). */
  async append(ids: ArrayLike<number>): Promise<void> {
    let i = 0;
    while (i < ids.length) {
      // never buffer past the end of the current shard
      const room = Math.min(
        this.buffer.length - this.buffered,
        this.o.shardTokens - this.inShard - this.buffered,
      );
      const n = Math.min(room, ids.length - i);
      for (let k = 0; k < n; k++) this.buffer[this.buffered + k] = ids[i + k]!;
      this.buffered += n;
      i += n;
      if (this.buffered === this.buffer.length || this.inShard + this.buffered === this.o.shardTokens) {
        await this.flush();
        if (this.inShard === this.o.shardTokens) await this.closeShard();
      }
    }
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    if (this.handle === null) {
      const file = this.fileName(this.shards.length);
      this.handle = await open(join(this.o.dir, file), 'w');
      await this.handle.write(encodeShardHeader(this.o.version, 0), 0, SHARD_HEADER_BYTES, 0);
    }
    const bytes = new Uint8Array(this.buffer.buffer, 0, this.buffered * this.buffer.BYTES_PER_ELEMENT);
    const position = SHARD_HEADER_BYTES + this.inShard * this.buffer.BYTES_PER_ELEMENT;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
    this.inShard += this.buffered;
    this.buffered = 0;
  }

  private async closeShard(): Promise<void> {
    if (this.handle === null) return;
    await this.handle.write(encodeShardHeader(this.o.version, this.inShard), 0, SHARD_HEADER_BYTES, 0);
    await this.handle.close();
    this.handle = null;
    this.shards.push({ file: this.fileName(this.shards.length), tokens: this.inShard });
    this.inShard = 0;
  }

  private fileName(index: number): string {
    return `${this.o.name}_${this.o.split}_${String(index).padStart(6, '0')}.bin`;
  }

  /** Flushes and closes the last shard; returns every shard written. */
  async finish(): Promise<ShardInfo[]> {
    await this.flush();
    await this.closeShard();
    return [...this.shards];
  }

  /** Closes the open file without finishing (after an error). */
  async abort(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}
