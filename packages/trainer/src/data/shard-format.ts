/**
 * Token shards in llm.c's `.bin` format, so the same files train in llm.c, modded-nanogpt or a
 * nanoGPT-style `np.memmap` loader on a GPU cluster:
 *
 * ```
 * bytes 0..1023    header: 256 little-endian int32
 *                    [0] magic 20240520
 *                    [1] version: 1 = tokens are uint16 (vocabularies up to 65,536),
 *                                 2 = tokens are uint32 (larger vocabularies, Llama 3)
 *                    [2] number of tokens in the file
 *                    [3..255] zero
 * bytes 1024..     the tokens, little-endian, 2 or 4 bytes each
 * ```
 *
 * Worked example: 3 tokens [50256, 15496, 995] in a version-1 shard are 1024 + 3·2 = 1030 bytes,
 * header ints [20240520, 1, 3, 0, ...], then the bytes `10 c4 68 3c e3 03`.
 */

import { ShardFormatError } from '../errors.js';

/** The magic number of llm.c token shards. */
export const SHARD_MAGIC = 20240520;
/** Header length in int32 (1,024 bytes). */
export const SHARD_HEADER_INTS = 256;
/** Header length in bytes. */
export const SHARD_HEADER_BYTES = SHARD_HEADER_INTS * 4;

/** Format version: 1 stores uint16 tokens, 2 stores uint32 tokens. */
export type ShardVersion = 1 | 2;

/** A decoded shard header. */
export interface ShardHeader {
  version: ShardVersion;
  /** Tokens in the file. */
  tokens: number;
  /** 2 (version 1) or 4 (version 2). */
  bytesPerToken: 2 | 4;
}

/**
 * The version a vocabulary needs: 1 (uint16) when every id fits in 16 bits, else 2 (uint32).
 *
 * @example
 * ```ts
 * shardVersionFor(50257);  // 1
 * shardVersionFor(128256); // 2
 * ```
 */
export function shardVersionFor(vocabSize: number): ShardVersion {
  return vocabSize <= 65536 ? 1 : 2;
}

/**
 * The 1,024-byte header of a shard holding `tokens` tokens.
 *
 * @example
 * ```ts
 * const header = encodeShardHeader(1, 3);
 * new Int32Array(header.buffer, 0, 3); // [20240520, 1, 3]
 * ```
 */
export function encodeShardHeader(version: ShardVersion, tokens: number): Uint8Array {
  if (!Number.isInteger(tokens) || tokens < 0 || tokens > 0x7fffffff) {
    throw new ShardFormatError({
      operation: 'encodeShardHeader',
      expected: 'a token count in [0, 2^31) (llm.c stores it as an int32)',
      found: String(tokens),
      hint: 'split the tokens over several shards',
    });
  }
  const bytes = new Uint8Array(SHARD_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, SHARD_MAGIC, true);
  view.setInt32(4, version, true);
  view.setInt32(8, tokens, true);
  return bytes;
}

/**
 * Reads and checks a shard header: the magic, a known version, and (when the file size is given)
 * that the file holds exactly the tokens the header announces.
 *
 * @example
 * ```ts
 * const { version, tokens } = decodeShardHeader(firstKilobyte, 'train_000000.bin', size);
 * ```
 */
export function decodeShardHeader(bytes: Uint8Array, file: string, fileSize?: number): ShardHeader {
  const fail = (expected: string, found: string, hint?: string): never => {
    throw new ShardFormatError({
      operation: 'readShard',
      file,
      expected,
      found,
      ...(hint === undefined ? {} : { hint }),
    });
  };
  if (bytes.length < SHARD_HEADER_BYTES) {
    fail(`a ${SHARD_HEADER_BYTES}-byte header`, `${bytes.length} bytes`, 'the file is truncated');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SHARD_HEADER_BYTES);
  const magic = view.getInt32(0, true);
  if (magic !== SHARD_MAGIC) {
    fail(
      `magic ${SHARD_MAGIC} (llm.c token shard)`,
      String(magic),
      'this is not an llm.c .bin shard; nanoGPT-style headerless .bin files need the header added',
    );
  }
  const version = view.getInt32(4, true);
  if (version !== 1 && version !== 2) {
    fail('version 1 (uint16 tokens) or 2 (uint32 tokens)', String(version), 'a newer llm.c format?');
  }
  const tokens = view.getInt32(8, true);
  if (tokens < 0) fail('a token count >= 0', String(tokens));
  const bytesPerToken = version === 1 ? 2 : 4;
  if (fileSize !== undefined && fileSize !== SHARD_HEADER_BYTES + tokens * bytesPerToken) {
    fail(
      `${SHARD_HEADER_BYTES + tokens * bytesPerToken} bytes (header + ${tokens} tokens of ${bytesPerToken} bytes)`,
      `${fileSize} bytes`,
      'the file is truncated or was written by another tool',
    );
  }
  return { version: version as ShardVersion, tokens, bytesPerToken };
}
