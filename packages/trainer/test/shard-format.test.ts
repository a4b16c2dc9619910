import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeShardHeader,
  encodeShardHeader,
  SHARD_HEADER_BYTES,
  SHARD_MAGIC,
  ShardFormatError,
  shardVersionFor,
} from '../src/index.js';
import { ShardReader, ShardWriter } from '../src/node.js';
import { fixture, tempDir } from './helpers/fixtures.js';

const v1 = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 65536);
const v2 = Array.from({ length: 500 }, (_, i) => Number((BigInt(i) * 2654435761n) % 2n ** 32n));

describe('llm.c shards', () => {
  it('reads the files numpy wrote (uint16 and uint32)', () => {
    for (const [file, want, version] of [
      ['numpy-v1.bin', v1, 1],
      ['numpy-v2.bin', v2, 2],
    ] as const) {
      const s = ShardReader.open(fixture(file));
      expect(s.header.version).toBe(version);
      expect(s.tokens).toBe(want.length);
      expect(Array.from(s.read(0, want.length))).toEqual(want.map((t) => (version === 2 ? t | 0 : t)));
      expect(Array.from(s.read(997 % want.length, 3))).toEqual(
        want.slice(997 % want.length, (997 % want.length) + 3).map((t) => (version === 2 ? t | 0 : t)),
      );
      s.close();
    }
  });

  it('writes byte-for-byte what numpy writes, across shard boundaries', async () => {
    for (const [file, tokens, version, shardTokens] of [
      ['numpy-v1.bin', v1, 1, 1000],
      ['numpy-v2.bin', v2, 2, 500],
    ] as const) {
      const dir = tempDir();
      const w = new ShardWriter({ dir, name: 'x', split: 'train', version, shardTokens });
      await w.append(tokens.slice(0, 123));
      await w.append(tokens.slice(123));
      const shards = await w.finish();
      expect(shards).toEqual([{ file: 'x_train_000000.bin', tokens: tokens.length }]);
      expect(readFileSync(join(dir, shards[0]!.file)).equals(readFileSync(fixture(file)))).toBe(true);
    }
    // rolling over: 1000 tokens into shards of 300
    const dir = tempDir();
    const w = new ShardWriter({ dir, name: 'y', split: 'val', version: 1, shardTokens: 300 });
    for (let i = 0; i < 1000; i += 7) await w.append(v1.slice(i, i + 7));
    const shards = await w.finish();
    expect(shards.map((s) => s.tokens)).toEqual([300, 300, 300, 100]);
    expect(shards[3]!.file).toBe('y_val_000003.bin');
    const back = shards.flatMap((s) => {
      const r = ShardReader.open(join(dir, s.file));
      const t = Array.from(r.read(0, r.tokens));
      r.close();
      return t;
    });
    expect(back).toEqual(v1);
  });

  it('encodes the header as llm.c does', () => {
    const h = encodeShardHeader(1, 3);
    expect(h.length).toBe(SHARD_HEADER_BYTES);
    expect(Array.from(new Int32Array(h.buffer, 0, 4))).toEqual([SHARD_MAGIC, 1, 3, 0]);
    expect(shardVersionFor(65536)).toBe(1);
    expect(shardVersionFor(65537)).toBe(2);
  });

  it('rejects a bad magic, an unknown version and a truncated file, naming the file', () => {
    const dir = tempDir();
    const bad = encodeShardHeader(1, 2);
    new DataView(bad.buffer).setInt32(0, 1234, true);
    expect(() => decodeShardHeader(bad, 'a.bin')).toThrow(/a\.bin: expected magic 20240520 .*found 1234/);
    const v9 = encodeShardHeader(1, 0);
    new DataView(v9.buffer).setInt32(4, 9, true);
    expect(() => decodeShardHeader(v9, 'b.bin')).toThrow(ShardFormatError);
    const truncated = join(dir, 't.bin');
    writeFileSync(truncated, Buffer.concat([encodeShardHeader(1, 10), Buffer.alloc(8)]));
    expect(() => ShardReader.open(truncated)).toThrow(/expected 1044 bytes .* found 1032 bytes/);
    expect(() => ShardReader.open(join(dir, 'missing.bin'))).toThrow(/ENOENT/);
  });

  it('finds document starts for BOS alignment', () => {
    const dir = tempDir();
    const file = join(dir, 'd.bin');
    const tokens = [0, 5, 6, 0, 7, 0, 8, 9, 9];
    writeFileSync(
      file,
      Buffer.concat([encodeShardHeader(1, tokens.length), Buffer.from(new Uint16Array(tokens).buffer)]),
    );
    const s = ShardReader.open(file);
    expect(Array.from(s.documentStarts(0))).toEqual([0, 3, 5]);
    s.close();
  });
});
