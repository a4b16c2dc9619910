// The merge loops of `models/bpe/merge.ts` against the reference of `models/bpe/reference.ts`
// (minbpe's loop: merge the lowest-ranked adjacent pair, leftmost on ties, one merge at a time) on
// every input: short words (the array scan), long words (the rank buckets) and the heap loop that
// BPE-dropout runs (with a dropout that never fires). Then the long-piece path against tiktoken
// (WASM, OpenAI's Rust core).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/index.js';
import { mergeWord } from '../src/models/bpe/merge.js';
import { PairTable } from '../src/models/bpe/pair-table.js';
import { encodeWithRanks, mergePair, pairCounts, trainOnCounts } from '../src/models/bpe/reference.js';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');

/** One loop of `mergeWord` on `syms`: [ids, sizes] as plain arrays. */
function run(syms: number[], table: PairTable, dropout?: () => boolean): [number[], number[]] {
  const ids = Int32Array.from(syms);
  const sizes = Int32Array.from(syms, () => 1);
  const n = mergeWord(ids, ids.length, table, sizes, dropout);
  return [Array.from(ids.subarray(0, n)), Array.from(sizes.subarray(0, n))];
}

/** Merges with the bucket (or short) loop and the heap loop; returns [loop, heap] as (id, size) lists. */
function both(syms: number[], table: PairTable): [number[], number[]] {
  const zip = ([ids, sizes]: [number[], number[]]) => ids.flatMap((id, i) => [id, sizes[i]!]);
  return [zip(run(syms, table)), zip(run(syms, table, () => false))];
}

/**
 * A random merge table over `alphabet` base symbols: `count` merges of two existing symbols into a
 * new one, with shuffled ranks (so a pair's rank may be lower than the rank that made its parts:
 * the non-monotone case of tiktoken's every-split pairs).
 */
const tableArb = fc
  .record({
    alphabet: fc.integer({ min: 1, max: 4 }),
    merges: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 24 }),
    rankSeed: fc.array(fc.nat(1000), { minLength: 24, maxLength: 24 }),
  })
  .map(({ alphabet, merges, rankSeed }) => {
    const count = merges.length;
    const order = [...Array(count).keys()].sort((x, y) => rankSeed[x]! - rankSeed[y]! || x - y);
    const merged = new Int32Array(count);
    const table = new PairTable(count, merged);
    merges.forEach(([l, r], k) => {
      const symbols = alphabet + k; // symbols existing before merge k
      const rank = order.indexOf(k);
      merged[rank] = alphabet + k;
      table.set(l % symbols, r % symbols, rank);
    });
    return { alphabet, table };
  });

/**
 * A random tiktoken-style table: base symbols 'a' 'b' 'c' are ids 0..2, then random strings over
 * them in random order are the tokens 3.. (id = rank), and every split of a token into two tokens is
 * a pair with the token's rank (as `ByteLevelBPE.fromRanks` builds it). Several pairs then share a
 * rank (`(a, aa)` and `(aa, a)` both make `aaa`), and random ranks give the non-monotone case (a
 * merge creating a pair of lower rank than its own), which interrupts the active rank.
 */
const tiktokenTableArb = fc
  .uniqueArray(fc.stringMatching(/^[abc]{2,7}$/), { minLength: 1, maxLength: 40 })
  .map((words) => {
    const tokens = ['a', 'b', 'c', ...words];
    const id = new Map(tokens.map((t, i) => [t, i]));
    const merged = Int32Array.from(tokens, (_, i) => i);
    const table = new PairTable(tokens.length * 6, merged);
    tokens.forEach((t, r) => {
      for (let k = 1; k < t.length; k++) {
        const l = id.get(t.slice(0, k));
        const rt = id.get(t.slice(k));
        if (l !== undefined && rt !== undefined) table.set(l, rt, r);
      }
    });
    return { alphabet: 3, table };
  });

describe('the reference (models/bpe/reference.ts)', () => {
  it('computes the worked examples of its comments', () => {
    expect(pairCounts([1, 2, 3, 1, 2])).toEqual(
      new Map([
        ['1,2', 2],
        ['2,3', 1],
        ['3,1', 1],
      ]),
    );
    expect(mergePair([1, 2, 3, 1, 2], [1, 2], 4)).toEqual([4, 3, 4]);
    expect(mergePair([7, 7, 7], [7, 7], 8)).toEqual([8, 7]);
    const ranks = new Map([
      ['1,2', 0],
      ['4,3', 1],
    ]);
    const table = { rank: (a: number, b: number) => ranks.get(`${a},${b}`) ?? -1, merged: [4, 5] };
    expect(encodeWithRanks([1, 2, 3, 1, 2], table)).toEqual([5, 4]);
    expect(
      trainOnCounts(
        [
          [0, 1, 2],
          [3, 1, 2],
          [0, 1, 2, 4],
        ],
        [10, 5, 5],
        ['h', 'u', 'g', 'p', 's'],
        7,
      ),
    ).toEqual({
      merges: [
        [1, 2],
        [0, 5],
      ],
      vocab: ['h', 'u', 'g', 'p', 's', 'ug', 'hug'],
    });
  });
});

describe('every merge loop gives the reference result', () => {
  // Words from 2 to 400 symbols: up to 128 the array scan runs, beyond it the rank buckets; the
  // heap loop (what dropout runs) on all of them.
  const word = (alphabet: number) =>
    fc
      .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 12 })
      .map((runs) => {
        const syms: number[] = [];
        for (const [s, len] of runs) for (let i = 0; i < len; i++) syms.push(s % alphabet);
        return syms.slice(0, 400);
      });
  const check = (syms: number[], table: PairTable) => {
    const want = encodeWithRanks(syms, table);
    expect(run(syms, table)[0]).toEqual(want);
    expect(run(syms, table, () => false)[0]).toEqual(want);
    // The sizes say how many original symbols each final symbol covers.
    const [, sizes] = run(syms, table);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(syms.length);
  };

  it('on random merge tables (HF style: each merge makes a new symbol)', () => {
    fc.assert(
      fc.property(
        tableArb.chain((t) => fc.tuple(fc.constant(t), word(t.alphabet))),
        ([{ table }, syms]) => check(syms, table),
      ),
      { numRuns: 400 },
    );
  });

  it('on random tiktoken-style tables (every split of every token)', () => {
    fc.assert(
      fc.property(
        tiktokenTableArb.chain((t) => fc.tuple(fc.constant(t), word(t.alphabet))),
        ([{ table }, syms]) => check(syms, table),
      ),
      { numRuns: 400 },
    );
  });
});

describe('mergeWord on long words: rank buckets = heap', () => {
  it('agrees on random long words over random tiktoken-style tables', () => {
    fc.assert(
      fc.property(
        tiktokenTableArb,
        fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 8 }),
        ({ alphabet, table }, runs) => {
          const syms: number[] = [];
          for (const [s, len] of runs) for (let i = 0; i < len; i++) syms.push(s);
          while (syms.length <= 130) syms.push(syms.length % alphabet);
          const [buckets, heap] = both(syms, table);
          expect(buckets).toEqual(heap);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees on random long words over random tables (runs and mixed runs)', () => {
    fc.assert(
      fc.property(
        tableArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 400 })), { minLength: 1, maxLength: 8 }),
        ({ alphabet, table }, runs) => {
          const syms: number[] = [];
          for (const [s, len] of runs) for (let i = 0; i < len; i++) syms.push(s % alphabet);
          while (syms.length <= 130) syms.push(syms.length % alphabet);
          const [buckets, heap] = both(syms, table);
          expect(buckets).toEqual(heap);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees on arbitrary tables (pairs sharing a rank, merges into an existing symbol)', () => {
    // No real vocabulary does this, but the PairTable API allows it, and it is what exercises the
    // same-rank candidates that a merge creates (the stack in front of the active rank's list).
    const arb = fc.record({
      pairs: fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(4)), { minLength: 1, maxLength: 12 }),
      merged: fc.array(fc.nat(3), { minLength: 5, maxLength: 5 }),
      word: fc.array(fc.nat(3), { minLength: 129, maxLength: 400 }),
    });
    fc.assert(
      fc.property(arb, ({ pairs, merged, word }) => {
        const table = new PairTable(pairs.length, Int32Array.from(merged));
        for (const [a, b, r] of pairs) table.set(a, b, r);
        const [buckets, heap] = both(word, table);
        expect(buckets).toEqual(heap);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees on a hand-made non-monotone table', () => {
    // a=0 b=1; ab (rank 5) -> 2; (2, 0) "aba" rank 1 -> 3; (0, 1) lower after merges exist.
    const merged = Int32Array.of(0, 3, 0, 0, 0, 2);
    const table = new PairTable(2, merged);
    table.set(0, 1, 5);
    table.set(2, 0, 1);
    const syms: number[] = [];
    for (let i = 0; i < 300; i++) syms.push(i % 3 === 2 ? 0 : i % 3);
    const [buckets, heap] = both(syms, table);
    expect(buckets).toEqual(heap);
  });
});

describe('long pieces against tiktoken (WASM)', () => {
  const wasm = require('tiktoken') as {
    get_encoding: (n: string) => { encode: (t: string) => Uint32Array; free: () => void };
  };
  for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
    it(`${encoding}: random runs of one character and mixed runs give tiktoken's ids`, () => {
      const ours = Tokenizer.fromTiktoken(readFileSync(join(dataDir, `${encoding}.tiktoken`)), { encoding });
      const ref = wasm.get_encoding(encoding);
      try {
        const chars = ['a', 'b', ' ', '\n', '1', '.', '🙂', 'é', 'x', '='];
        fc.assert(
          fc.property(
            fc.array(fc.tuple(fc.constantFrom(...chars), fc.integer({ min: 1, max: 700 })), {
              minLength: 1,
              maxLength: 5,
            }),
            (runs) => {
              const text = runs.map(([c, k]) => c.repeat(k)).join('');
              expect(ours.encode(text)).toEqual([...ref.encode(text)]);
            },
          ),
          { numRuns: 60 },
        );
        for (const c of ['a', ' ', '.', '🙂']) {
          const text = c.repeat(3001);
          expect(ours.encode(text)).toEqual([...ref.encode(text)]);
        }
      } finally {
        ref.free();
      }
    });
  }
});
