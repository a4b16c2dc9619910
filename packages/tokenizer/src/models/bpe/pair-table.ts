/**
 * The merge table of a BPE vocabulary: which adjacent pairs of ids merge, with what rank (lower
 * merges first), into what id. It is the `MergeRanks` of `reference.ts` (a dictionary from a pair to
 * its rank) as a data structure tuned for the merge loops of `merge.ts`.
 *
 * HF merges `[(h,e), (l,l), (he,ll)]` over ids h=0 e=1 l=2 he=3 ll=4 hell=5:
 *
 *     set(0, 1, 0)  set(2, 2, 1)  set(3, 4, 2)      merged = [3, 4, 5]
 *     rank(2, 2) -> 1, merged[1] -> 4 (ll)           rank(1, 2) -> -1 (e l never merges)
 *
 * tiktoken ranks byte sequences rather than pairs: two parts merge when their concatenation is a
 * token, with that token's rank. That is the same as a table holding every split of every token,
 * `(a, b) -> rank(a + b)`, which is how `ByteLevelBPE.fromRanks` fills it.
 */

/**
 * Open-addressing hash table from a pair of symbol ids to a rank. Each slot is 4 int32s
 * `[left, right, rank, unused]` in one array, so a probe touches one cache line (the table of a
 * 200k vocabulary is 16 MB; lookups are bound by memory latency, not arithmetic). The symbol a pair
 * merges into is `merged[rank]`.
 *
 * Two small tables in front of it keep most lookups in the CPU cache (a fresh 27-byte piece makes
 * ~75 lookups, and in the 16 MB table nearly each one is a cache miss):
 *
 *  - `dense`: pairs of ids below 256 (the byte tokens of byte-level vocabularies: every first-round
 *    lookup of a piece), a 256 × 256 array of ranks (256 KB);
 *  - `recent`: a direct-mapped cache of the last lookups of other pairs (4,096 slots of
 *    `[left, right, rank, unused]`, 64 KB): text repeats its subwords, so the pairs of merged tokens
 *    (`"ing" + "ton"`) come back often. A slot is overwritten on a miss; `set` updates or drops
 *    the slot of the pair it changes, so the cache never answers an old rank.
 */
export class PairTable {
  private data: Int32Array;
  private mask: number;
  private count = 0;
  private readonly dense = new Int32Array(DENSE * DENSE).fill(-1);
  private readonly recent = new Int32Array(RECENT * 4).fill(-1);
  /** The id each rank merges into: `merged[rank]`. */
  merged: Int32Array;

  constructor(expectedPairs: number, merged: Int32Array) {
    let capacity = 16;
    while (capacity < expectedPairs * 2) capacity *= 2;
    this.data = new Int32Array(capacity * 4).fill(-1);
    this.mask = capacity - 1;
    this.merged = merged;
  }

  /** Number of pairs stored. */
  get size(): number {
    return this.count;
  }

  /** Sets the rank of `(a, b)`, replacing an earlier one (HF keeps the last duplicate merge). */
  set(a: number, b: number, rank: number): void {
    if (a >= 0 && b >= 0 && a < DENSE && b < DENSE) this.dense[a * DENSE + b] = rank;
    else {
      const c = this.recent;
      const o = (slotOf(a, b) & (RECENT - 1)) << 2;
      if (c[o] === a && c[o + 1] === b) c[o + 2] = rank;
    }
    this.store(a, b, rank);
  }

  private store(a: number, b: number, rank: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const d = this.data;
    let i = slotOf(a, b) & this.mask;
    for (;;) {
      const o = i << 2;
      const l = d[o]!;
      if (l === -1) {
        d[o] = a;
        d[o + 1] = b;
        d[o + 2] = rank;
        this.count++;
        return;
      }
      if (l === a && d[o + 1] === b) {
        d[o + 2] = rank;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** The rank of `(a, b)`, or -1 when the pair does not merge. */
  rank(a: number, b: number): number {
    // Ids are >= 0, so one unsigned compare checks both against DENSE.
    if ((a | b) >>> 0 < DENSE) return this.dense[(a << 8) | b]!;
    const h = slotOf(a, b);
    const c = this.recent;
    const co = (h & (RECENT - 1)) << 2;
    if (c[co] === a && c[co + 1] === b) return c[co + 2]!;
    const d = this.data;
    const mask = this.mask;
    let i = h & mask;
    let r: number;
    for (;;) {
      const o = i << 2;
      const l = d[o]!;
      if (l === a && d[o + 1] === b) {
        r = d[o + 2]!;
        break;
      }
      if (l === -1) {
        r = -1;
        break;
      }
      i = (i + 1) & mask;
    }
    c[co] = a;
    c[co + 1] = b;
    c[co + 2] = r;
    return r;
  }

  /** Calls `fn(a, b, rank)` for every stored pair (any order). */
  forEach(fn: (a: number, b: number, rank: number) => void): void {
    const d = this.data;
    for (let o = 0; o < d.length; o += 4) if (d[o] !== -1) fn(d[o]!, d[o + 1]!, d[o + 2]!);
  }

  private grow(): void {
    const old = this.data;
    const capacity = (this.mask + 1) * 2;
    this.data = new Int32Array(capacity * 4).fill(-1);
    this.mask = capacity - 1;
    this.count = 0;
    for (let o = 0; o < old.length; o += 4) if (old[o] !== -1) this.store(old[o]!, old[o + 1]!, old[o + 2]!);
  }
}

/** Ids below this have their pairs in `PairTable.dense` (a power of two; `rank` shifts by 8). */
const DENSE = 256;
/** Slots of `PairTable.recent` (a power of two). */
const RECENT = 4096;

function slotOf(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}
