import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeShardHeader,
  mixRows,
  resolveTrainConfig,
  ShardFormatError,
  TrainerConfigError,
} from '../src/index.js';
import { MixedTokenLoader, TokenLoader } from '../src/node.js';
import { tempDir } from './helpers/fixtures.js';

/** A shard of n tokens all equal to `value` + their position mod 10, so a row tells its source. */
function shard(dir: string, name: string, base: number, n: number): string {
  const t = Uint16Array.from({ length: n }, (_, i) => base + (i % 10));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([encodeShardHeader(1, n), Buffer.from(t.buffer)]));
  return file;
}

const sourceOfRows = (b: { inputs: Int32Array; batchSize: number; seqLen: number }) =>
  Array.from({ length: b.batchSize }, (_, r) => Math.floor(b.inputs[r * b.seqLen]! / 100));

describe('mixRows', () => {
  it('rounds each extra source and gives the first the rest', () => {
    expect(mixRows([0.75, 0.25], 16)).toEqual([12, 4]);
    expect(mixRows([0.7, 0.2, 0.1], 16)).toEqual([11, 3, 2]);
    expect(mixRows([0.99, 0.01], 16)).toEqual([16, 0]); // the caller refuses a source without rows
  });
});

describe('MixedTokenLoader', () => {
  it('fills each batch with a fixed share of rows per source, reproducibly, resumable from its state', () => {
    const dir = tempDir();
    const sources = [
      { shards: [shard(dir, 'a.bin', 100, 500)], weight: 0.75 },
      { shards: [shard(dir, 'b.bin', 200, 80), shard(dir, 'c.bin', 200, 60)], weight: 0.25 },
    ];
    const o = { batchSize: 8, seqLen: 6, mode: 'random' as const, seed: 5 };
    const a = MixedTokenLoader.open(sources, o);
    const first = [a.next(), a.next()];
    for (const b of first) {
      expect(sourceOfRows(b)).toEqual([1, 1, 1, 1, 1, 1, 2, 2]);
      for (let r = 0; r < b.batchSize; r++) {
        // targets are the inputs shifted by one within each row, whatever the source
        expect(Array.from(b.targets.subarray(r * 6, r * 6 + 5))).toEqual(
          Array.from(b.inputs.subarray(r * 6 + 1, r * 6 + 6)),
        );
      }
    }
    const saved = JSON.parse(JSON.stringify(a.state()));
    expect(saved.mode).toBe('mixed');
    const next = [a.next(), a.next()];
    const b = MixedTokenLoader.open(sources, o);
    expect([b.next(), b.next()]).toEqual(first);
    b.setState(saved);
    expect([b.next(), b.next()]).toEqual(next);
    // a source's rows are its own loader's batches (seed + index), so adding a source leaves the others' draws alone
    const alone = TokenLoader.open(sources[0]!.shards, { ...o, batchSize: 6 });
    expect(Array.from(first[0]!.inputs.subarray(0, 36))).toEqual(Array.from(alone.next().inputs));
    for (const l of [a, b, alone]) l.close();
  });

  it('refuses a source without a row, and a state of another shape', () => {
    const dir = tempDir();
    const a = shard(dir, 'a.bin', 100, 200);
    const tiny = [
      { shards: [a], weight: 0.97 },
      { shards: [a], weight: 0.03 },
    ];
    expect(() => MixedTokenLoader.open(tiny, { batchSize: 8, seqLen: 4, mode: 'random', seed: 0 })).toThrow(
      ShardFormatError,
    );
    const l = MixedTokenLoader.open(
      [
        { shards: [a], weight: 0.5 },
        { shards: [a], weight: 0.5 },
      ],
      {
        batchSize: 4,
        seqLen: 4,
        mode: 'random',
        seed: 0,
      },
    );
    expect(() => l.setState({ mode: 'random', rng: { seed: 0, offset: 0 } } as never)).toThrow(
      /mix of 2 sources/,
    );
    const plain = TokenLoader.open([a], { batchSize: 2, seqLen: 4, mode: 'random', seed: 0 });
    expect(() => plain.setState(l.state() as never)).toThrow(/a mixed one/);
    l.close();
    plain.close();
  });
});

describe('data.mix in the train config', () => {
  const base = {
    outDir: 'runs/x',
    data: { dir: 'data/d' },
    model: { preset: 'tiny-gpt' as const },
    steps: 10,
    batchSize: 16,
  };
  it('resolves weights and refuses sums ≥ 1, weights outside (0, 1) and sources without rows', () => {
    const c = resolveTrainConfig({
      ...base,
      data: { dir: 'data/d', mix: [{ train: 'x/*.bin', weight: 0.25 }] },
    });
    expect(c.data.mix).toEqual([{ train: ['x/*.bin'], weight: 0.25 }]);
    expect(resolveTrainConfig(base).data.mix).toEqual([]);
    const bad = (mix: unknown) => () =>
      resolveTrainConfig({ ...base, data: { dir: 'data/d', mix } as never });
    expect(
      bad([
        { train: 'a', weight: 0.6 },
        { train: 'b', weight: 0.4 },
      ]),
    ).toThrow(TrainerConfigError);
    expect(bad([{ train: 'a', weight: 0 }])).toThrow(/data\.mix\[0\]\.weight/);
    expect(bad([{ train: 'a', weight: 1.5 }])).toThrow(/data\.mix\[0\]\.weight/);
    expect(bad([{ train: [], weight: 0.2 }])).toThrow(/data\.mix\[0\]\.train/);
    expect(bad([{ train: 'a', weight: 0.01 }])).toThrow(/at least one of the batch's 16 rows/);
    expect(bad({ train: 'a' })).toThrow(/data\.mix/);
  });
});
