import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeShardHeader, ShardFormatError } from '../src/index.js';
import { TokenLoader } from '../src/node.js';
import { tempDir } from './helpers/fixtures.js';

/** Two shards holding 0..N−1 (so a token's value is its global position) with 0 as the delimiter every 10 tokens. */
function shards(): string[] {
  const dir = tempDir();
  const make = (name: string, from: number, n: number) => {
    const t = Uint16Array.from({ length: n }, (_, i) => ((from + i) % 10 === 0 ? 0 : from + i));
    const file = join(dir, name);
    writeFileSync(file, Buffer.concat([encodeShardHeader(1, n), Buffer.from(t.buffer)]));
    return file;
  };
  return [make('a.bin', 0, 100), make('b.bin', 100, 57)];
}

const rows = (b: { inputs: Int32Array; targets: Int32Array; batchSize: number; seqLen: number }) =>
  Array.from({ length: b.batchSize }, (_, r) => ({
    x: Array.from(b.inputs.subarray(r * b.seqLen, (r + 1) * b.seqLen)),
    y: Array.from(b.targets.subarray(r * b.seqLen, (r + 1) * b.seqLen)),
  }));

describe('TokenLoader', () => {
  it('random windows: targets are inputs shifted by one, reproducible from the seed, resumable from its state', () => {
    const files = shards();
    const o = { batchSize: 4, seqLen: 8, mode: 'random' as const, seed: 3 };
    const a = TokenLoader.open(files, o);
    expect(a.windows).toBe(100 - 8 + 57 - 8);
    const first = [a.next(), a.next()];
    const saved = a.state();
    const next = [a.next(), a.next()];
    const b = TokenLoader.open(files, o);
    expect([b.next(), b.next()]).toEqual(first);
    b.setState(saved);
    expect([b.next(), b.next()]).toEqual(next);
    for (const r of rows(next[0]!)) expect(r.y.slice(0, -1)).toEqual(r.x.slice(1));
    const c = TokenLoader.open(files, { ...o, seed: 4 });
    expect(c.next()).not.toEqual(first[0]);
    for (const l of [a, b, c]) l.close();
  });

  it('sequential passes: consecutive rows, next shard, wrap-around with an epoch count, resumable', () => {
    const files = shards();
    const l = TokenLoader.open(files, { batchSize: 3, seqLen: 30, mode: 'sequential', seed: 0 });
    const starts = (b: ReturnType<TokenLoader['next']>) => rows(b).map((r) => r.x[1]! - 1);
    expect(starts(l.next())).toEqual([0, 30, 60]); // a.bin rows; 90 + 31 > 100: next shard
    expect(starts(l.next())).toEqual([100, 0, 30]); // b.bin holds one row of 31, then wrap
    expect(l.state()).toEqual({ mode: 'sequential', shard: 0, position: 60, epoch: 1 });
    const m = TokenLoader.open(files, { batchSize: 3, seqLen: 30, mode: 'sequential', seed: 0 });
    m.setState(l.state());
    expect(m.next()).toEqual(l.next());
    expect(() => m.setState({ mode: 'random', rng: { seed: 0, offset: 0 } })).toThrow(ShardFormatError);
  });

  it('BOS-aligned packing starts every row at a document start', () => {
    const files = shards();
    for (const mode of ['random', 'sequential'] as const) {
      const l = TokenLoader.open(files, { batchSize: 6, seqLen: 12, mode, seed: 1, alignTo: 0 });
      for (let i = 0; i < 5; i++) for (const r of rows(l.next())) expect(r.x[0]).toBe(0);
      l.close();
    }
  });

  it('refuses shards shorter than one window', () => {
    expect(() => TokenLoader.open(shards(), { batchSize: 1, seqLen: 200, mode: 'random', seed: 0 })).toThrow(
      /expected a shard of at least 201 tokens/,
    );
  });
});
