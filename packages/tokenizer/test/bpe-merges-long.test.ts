// The rank-bucket merge loop for long words (`mergeBuckets`, what `mergeWord` runs without dropout
// on words over 128 symbols) must give exactly what the heap loop gives (`mergeWord` with a dropout
// that never fires runs HF's heap algorithm) and what tiktoken (WASM, OpenAI's Rust core) gives.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/index.js';
import { mergeWord, PairTable } from '../src/models/bpe-merges.js';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');

/** Merges with both loops; returns [buckets, heap] as plain arrays of (id, size). */
function both(syms: number[], table: PairTable): [number[], number[]] {
  const a = Int32Array.from(syms);
  const sa = Int32Array.from(syms, () => 1);
  const na = mergeWord(a, a.length, table, sa);
  const b = Int32Array.from(syms);
  const sb = Int32Array.from(syms, () => 1);
  const nb = mergeWord(b, b.length, table, sb, () => false);
  const out = (s: Int32Array, z: Int32Array, n: number) => {
    const r: number[] = [];
    for (let i = 0; i < n; i++) r.push(s[i]!, z[i]!);
    return r;
  };
  return [out(a, sa, na), out(b, sb, nb)];
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
