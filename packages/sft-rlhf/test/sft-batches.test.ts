import { describe, expect, it } from 'vitest';
import { BatchError, IGNORE_INDEX, makeSftBatches, type SftExample } from '../src/index.js';

/** An example of `n` tokens whose last `learned` tokens are targets. */
function example(id: string, n: number, learned: number, base = 10): SftExample {
  const ids = Array.from({ length: n }, (_, i) => base + i);
  return { id, ids, labels: ids.map((t, i) => (i >= n - learned ? t : IGNORE_INDEX)) };
}

describe('makeSftBatches', () => {
  const examples = [
    example('a', 4, 2, 10),
    example('b', 3, 1, 20),
    example('c', 6, 3, 30),
    example('d', 2, 1, 40),
  ];

  it('pads each example to the longest row of its batch, labels −100 on the padding', () => {
    const { batches, skipped, stats } = makeSftBatches(examples, { batchSize: 2, maxLength: 8, padId: 0 });
    expect(skipped).toEqual([]);
    expect(batches).toHaveLength(2);
    expect(batches[0]!.ids).toEqual([
      [10, 11, 12, 13],
      [20, 21, 22, 0],
    ]);
    expect(batches[0]!.labels).toEqual([
      [-100, -100, 12, 13],
      [-100, -100, 22, -100],
    ]);
    expect(batches[1]!.ids[1]).toEqual([40, 41, 0, 0, 0, 0]);
    expect(batches[0]!.records).toEqual([['a'], ['b']]);
    expect(stats).toEqual({
      examples: 4,
      rows: 4,
      realTokens: 15,
      targetTokens: 7,
      padFraction: 1 - 15 / 20,
    });
    expect(batches.reduce((n, b) => n + b.targetTokens, 0)).toBe(7);
  });

  it('pads to maxLength with padTo: max', () => {
    const { batches } = makeSftBatches(examples.slice(0, 1), {
      batchSize: 1,
      maxLength: 6,
      padId: 9,
      padTo: 'max',
    });
    expect(batches[0]!.ids).toEqual([[10, 11, 12, 13, 9, 9]]);
  });

  it('packs first-fit without splitting an example, and never makes an example learn to follow another', () => {
    const { batches, stats } = makeSftBatches(examples, {
      batchSize: 4,
      maxLength: 8,
      padId: 0,
      packing: true,
    });
    const rows = batches[0]!;
    expect(rows.records).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(rows.ids).toEqual([
      [10, 11, 12, 13, 20, 21, 22, 0],
      [30, 31, 32, 33, 34, 35, 40, 41],
    ]);
    // b's first token (20) follows a's last: unlearned even if the example had learned it
    expect(rows.labels[0]).toEqual([-100, -100, 12, 13, -100, -100, 22, -100]);
    expect(stats.padFraction).toBeCloseTo(1 / 16, 12);
    // every example intact, in its row, in order
    for (const [r, row] of rows.records.entries()) {
      let at = 0;
      for (const name of row) {
        const e = examples.find((x) => x.id === name)!;
        expect(rows.ids[r]!.slice(at, at + e.ids.length)).toEqual(e.ids);
        expect(rows.labels[r]!.slice(at + 1, at + e.ids.length)).toEqual(e.labels.slice(1));
        at += e.ids.length;
      }
    }
  });

  it('skips and counts an example longer than maxLength, or names it in an error', () => {
    const long = [example('short', 3, 1), example('long-one', 9, 4), example('ok', 5, 2)];
    const { batches, skipped } = makeSftBatches(long, {
      batchSize: 8,
      maxLength: 5,
      padId: 0,
      packing: true,
    });
    expect(skipped).toEqual([{ id: 'long-one', length: 9 }]);
    expect(batches.flatMap((b) => b.records.flat())).toEqual(['short', 'ok']);
    expect(() => makeSftBatches(long, { batchSize: 8, maxLength: 5, padId: 0, overflow: 'error' })).toThrow(
      /makeSftBatches: record "long-one": expected at most 5 tokens \(maxLength\), found 9 tokens; hint: raise maxLength/,
    );
  });

  it('rejects bad options and labels that do not match their ids', () => {
    const o = { batchSize: 1, maxLength: 4, padId: 0 };
    expect(() => makeSftBatches(examples, { ...o, batchSize: 0 })).toThrow(BatchError);
    expect(() => makeSftBatches(examples, { ...o, maxLength: 1 })).toThrow(
      /option maxLength: expected an integer ≥ 2/,
    );
    expect(() => makeSftBatches(examples, { ...o, padId: -1 })).toThrow(/option padId/);
    expect(() => makeSftBatches(examples, { ...o, overflow: 'crop' as never })).toThrow(/option overflow/);
    expect(() => makeSftBatches([{ id: 'x', ids: [1, 2], labels: [-100] }], o)).toThrow(
      /record "x": expected non-empty ids and labels of the same length/,
    );
    expect(() => makeSftBatches([{ id: 'y', ids: [1, 2], labels: [-100, 3] }], o)).toThrow(
      /record "y": labels\[1\]: expected the id at that position \(2\) or -100, found 3/,
    );
  });

  it('gives no batch for no example', () => {
    expect(makeSftBatches([], { batchSize: 2, maxLength: 4, padId: 0 }).batches).toEqual([]);
  });
});
