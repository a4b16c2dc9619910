/**
 * The BPE merge loop shared by {@link BPE} (HF's model over strings) and {@link ByteLevelBPE}
 * (tiktoken-style over bytes). Both reduce to the same problem: a word is a list of symbol ids,
 * a table says which adjacent pairs may merge, with what priority (rank, lower first) and into what;
 * repeatedly merge the best pair (leftmost on ties) until none is left.
 *
 * Worked example with merges `[(h,e) rank 0, (l,l) rank 1, (he,ll) rank 2]` on "hello":
 *
 *     h e l l o   pairs: he:0 el:- ll:1 lo:-   -> merge he
 *     he l l o    pairs: hel:- ll:1 lo:-       -> merge ll
 *     he ll o     pairs: hell:2 llo:-          -> merge he+ll
 *     hell o      no pair left                 -> [hell, o]
 *
 * tiktoken ranks byte sequences rather than pairs: two parts merge when their concatenation is a
 * token, with that token's rank. That is the same as a pair table holding every split of every
 * token, `(a, b) -> rank(a + b)`, which is how {@link ByteLevelBPE} builds its table.
 *
 * Three loops, one result: words up to 128 symbols (nearly all) use a scan over a small array, O(n²)
 * with tiny constants; longer ones (a 100,000-character run) use a linked list and one queue of
 * positions per rank (`mergeBuckets`, near-linear); BPE-dropout uses a linked list and a binary heap
 * (`mergeLong`, HF's algorithm, O(n log n)), which is also the reference the other two are tested
 * against.
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

/** Words at most this long use the array scan; longer ones the heap. */
const SHORT_WORD = 128;

/**
 * Merges `syms[0..n)` in place and returns the new length. `sizes` (optional) holds the length of
 * each symbol in any unit the caller likes (bytes, UTF-16 units) and is merged alongside, so the
 * caller can recover each final symbol's span.
 *
 * @example
 * ```ts
 * // ids: a=0 b=1 ab=2 ; one merge (a, b) -> ab with rank 0
 * const t = new PairTable(1, Int32Array.of(2)); t.set(0, 1, 0);
 * const syms = Int32Array.of(0, 1, 0); mergeWord(syms, 3, t, null); // 2 ; syms starts [2, 0]
 * ```
 */
export function mergeWord(
  syms: Int32Array,
  n: number,
  table: PairTable,
  sizes: Int32Array | null,
  dropout?: () => boolean,
): number {
  if (n < 2) return n;
  if (dropout !== undefined) return mergeLong(syms, n, table, sizes, dropout);
  if (n <= SHORT_WORD) return mergeShort(syms, n, table, sizes);
  return mergeBuckets(syms, n, table, sizes);
}

const shortRanks = new Int32Array(SHORT_WORD);

function mergeShort(syms: Int32Array, n: number, table: PairTable, sizes: Int32Array | null): number {
  // A pair that does not merge is stored as NONE (above every rank), so the scan is one compare.
  const ranks = shortRanks;
  for (let i = 0; i < n - 1; i++) {
    const r = table.rank(syms[i]!, syms[i + 1]!);
    ranks[i] = r < 0 ? NONE : r;
  }
  const merged = table.merged;
  for (;;) {
    let best = -1;
    let bestRank = NONE;
    for (let i = 0; i < n - 1; i++) {
      const r = ranks[i]!;
      if (r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return n;
    syms[best] = merged[bestRank]!;
    // Remove symbol best + 1: shift the tail left by one.
    if (sizes) {
      sizes[best] = sizes[best]! + sizes[best + 1]!;
      for (let j = best + 1; j < n - 1; j++) sizes[j] = sizes[j + 1]!;
    }
    for (let j = best + 1; j < n - 1; j++) {
      syms[j] = syms[j + 1]!;
      ranks[j] = ranks[j + 1]!;
    }
    n--;
    if (best > 0) {
      const r = table.rank(syms[best - 1]!, syms[best]!);
      ranks[best - 1] = r < 0 ? NONE : r;
    }
    if (best < n - 1) {
      const r = table.rank(syms[best]!, syms[best + 1]!);
      ranks[best] = r < 0 ? NONE : r;
    }
  }
}

/** "No merge" in `mergeShort`'s rank array: above every rank. */
const NONE = 0x7fffffff;

/**
 * HF's `Word::merge_all`: a doubly linked list over the original positions and a min-heap of
 * `(rank, position)` candidates, checked when popped (a candidate whose left symbol changed since
 * it was pushed is stale and skipped). With `dropout`, each popped candidate is skipped with that
 * probability and pushed back after the next merge, as HF does.
 */
function mergeLong(
  syms: Int32Array,
  n: number,
  table: PairTable,
  sizes: Int32Array | null,
  dropout?: () => boolean,
): number {
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  const merged = table.merged;
  // Heap entries pack (rank, position) in one float: rank * n + position (exact while
  // ranks * n < 2^53, i.e. any word that fits in memory).
  const POS = n;
  const heap = new MinHeap(n);
  for (let i = 0; i < n - 1; i++) {
    const r = table.rank(syms[i]!, syms[i + 1]!);
    if (r >= 0) heap.push(r * POS + i);
  }
  const skipped: number[] = [];
  while (heap.size > 0) {
    const top = heap.pop();
    if (dropout?.()) {
      skipped.push(top);
      continue;
    }
    if (skipped.length > 0) {
      for (const s of skipped) heap.push(s);
      skipped.length = 0;
    }
    const pos = top % POS;
    const rank = (top - pos) / POS;
    if (!alive[pos]) continue;
    const right = next[pos]!;
    if (right < 0) continue;
    const current = table.rank(syms[pos]!, syms[right]!);
    if (current < 0 || merged[current] !== merged[rank]) continue; // stale
    syms[pos] = merged[rank]!;
    if (sizes) sizes[pos] = sizes[pos]! + sizes[right]!;
    alive[right] = 0;
    const after = next[right]!;
    next[pos] = after;
    if (after >= 0) prev[after] = pos;
    const before = prev[pos]!;
    if (before >= 0) {
      const r = table.rank(syms[before]!, syms[pos]!);
      if (r >= 0) heap.push(r * POS + before);
    }
    if (after >= 0) {
      const r = table.rank(syms[pos]!, syms[after]!);
      if (r >= 0) heap.push(r * POS + pos);
    }
  }
  let w = 0;
  for (let i = 0; i >= 0; i = next[i]!) {
    syms[w] = syms[i]!;
    if (sizes) sizes[w] = sizes[i]!;
    w++;
  }
  return w;
}

/**
 * The same merges as {@link mergeLong} (without dropout), in the same order, without the heap's
 * O(log n) per candidate. The heap pops candidates by (rank, position); here each rank has its own
 * list of positions, and a small heap holds only the distinct ranks (a few dozen even for a
 * 100,000-symbol run). Why one rank's list can be consumed front to back without a heap:
 *
 *  - when a rank becomes the lowest, its list is sorted once (ascending positions);
 *  - while it is the lowest, merging at `pos` (the smallest live candidate of that rank) creates
 *    candidates only at `before` (< pos) and at `pos` itself, both at most every position still in
 *    the list; if they have the same rank they go on a stack in front of the list (`pos` pushed
 *    first, then `before`, so the stack's top is the smallest), and the pop order stays ascending;
 *  - a new candidate of a higher rank is appended to that rank's list (sorted when its turn comes);
 *    one of a lower rank (possible with tiktoken's every-split pairs) interrupts: the current rank
 *    returns to the rank heap with its remaining positions, and is sorted again when it comes back.
 *
 * Worked example, 'a' × 6 with ranks aa:0, aaaa:1, aaa:2 (a made-up vocabulary):
 *
 *     rank 0 list [0 1 2 3 4]  -> merges at 0, 2, 4 (1 and 3 are stale once their left symbol
 *                                 is consumed); new candidates (aa,aa) at 0 and 2 go to rank 1
 *     rank 1 list [0 2]        -> merge at 0 (aaaa); 2 is dead                -> [aaaa, aa]
 *
 * Stale candidates are recognised on pop exactly as in `mergeLong`.
 */
function mergeBuckets(syms: Int32Array, n: number, table: PairTable, sizes: Int32Array | null): number {
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  const merged = table.merged;
  const q = new RankQueues();
  for (let i = 0; i < n - 1; i++) {
    const r = table.rank(syms[i]!, syms[i + 1]!);
    if (r >= 0) q.add(r, i);
  }
  for (;;) {
    const pos = q.next();
    if (pos < 0) break;
    const rank = q.active;
    if (!alive[pos]) continue;
    const right = next[pos]!;
    if (right < 0) continue;
    const current = table.rank(syms[pos]!, syms[right]!);
    if (current < 0 || merged[current] !== merged[rank]) continue; // stale
    syms[pos] = merged[rank]!;
    if (sizes) sizes[pos] = sizes[pos]! + sizes[right]!;
    alive[right] = 0;
    const after = next[right]!;
    next[pos] = after;
    if (after >= 0) prev[after] = pos;
    const before = prev[pos]!;
    // `pos` before `before`: same-rank candidates land on the stack with the smallest on top.
    if (after >= 0) {
      const r = table.rank(syms[pos]!, syms[after]!);
      if (r >= 0) q.add(r, pos);
    }
    if (before >= 0) {
      const r = table.rank(syms[before]!, syms[pos]!);
      if (r >= 0) q.add(r, before);
    }
  }
  let w = 0;
  for (let i = 0; i >= 0; i = next[i]!) {
    syms[w] = syms[i]!;
    if (sizes) sizes[w] = sizes[i]!;
    w++;
  }
  return w;
}

/**
 * The candidates of {@link mergeBuckets}: a list of positions per rank, the heap of waiting ranks,
 * and the rank being consumed (`active`) with its stack in front. A class rather than closures, so
 * the calls stay monomorphic from one word to the next (a fresh closure per call deoptimizes).
 */
class RankQueues {
  /** The rank `next` last returned a position of (-1 before the first). */
  active = -1;
  private lists = new Map<number, number[]>();
  private ranks = new RankHeap();
  private list: number[] = [];
  private head = 0;
  private front: number[] = [];
  // The list of the last rank appended to (runs touch few ranks, so this often skips the Map).
  private lastRank = -1;
  private lastList: number[] = [];

  add(rank: number, pos: number): void {
    if (rank === this.active) {
      this.front.push(pos);
      return;
    }
    if (rank !== this.lastRank) {
      let l = this.lists.get(rank);
      if (l === undefined) {
        l = [];
        this.lists.set(rank, l);
      }
      this.lastRank = rank;
      this.lastList = l;
    }
    if (this.lastList.length === 0) this.ranks.push(rank);
    this.lastList.push(pos);
  }

  /** The next candidate position (of rank `active`), or -1 when none is left. */
  next(): number {
    const ranks = this.ranks;
    if (this.active >= 0 && ranks.size > 0 && ranks.peek() < this.active) {
      // A lower rank appeared: put the rest of the active rank back; its positions are re-sorted
      // when it returns.
      const rest = this.list.slice(this.head);
      const front = this.front;
      for (let k = front.length - 1; k >= 0; k--) rest.push(front[k]!);
      front.length = 0;
      this.lists.set(this.active, rest);
      if (rest.length > 0) ranks.push(this.active);
      this.active = -1;
    }
    if (this.front.length > 0) return this.front.pop()!;
    if (this.active >= 0 && this.head < this.list.length) return this.list[this.head++]!;
    if (ranks.size === 0) return -1;
    const active = ranks.pop();
    const list = this.lists.get(active)!;
    this.lists.delete(active);
    if (this.lastRank === active) this.lastRank = -1;
    sortIfNeeded(list);
    this.active = active;
    this.list = list;
    this.head = 1;
    return list[0]!;
  }
}

/** Sorts ascending unless already sorted (the first rank of a run arrives in order). */
function sortIfNeeded(a: number[]): void {
  for (let i = 1; i < a.length; i++) {
    if (a[i]! < a[i - 1]!) {
      a.sort((x, y) => x - y);
      return;
    }
  }
}

/** A binary min-heap of distinct ranks (the caller pushes a rank only when its list was empty). */
class RankHeap {
  private data: number[] = [];
  get size(): number {
    return this.data.length;
  }
  peek(): number {
    return this.data[0]!;
  }
  push(v: number): void {
    const d = this.data;
    let i = d.length;
    d.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p]! <= v) break;
      d[i] = d[p]!;
      i = p;
    }
    d[i] = v;
  }
  pop(): number {
    const d = this.data;
    const top = d[0]!;
    const last = d.pop()!;
    const n = d.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && d[c + 1]! < d[c]!) c++;
      if (d[c]! >= last) break;
      d[i] = d[c]!;
      i = c;
    }
    d[i] = last;
    return top;
  }
}

/** A binary min-heap of numbers in a growable Float64Array. */
class MinHeap {
  private data: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.size === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p]! <= v) break;
      d[i] = d[p]!;
      i = p;
    }
    d[i] = v;
  }
  pop(): number {
    const d = this.data;
    const top = d[0]!;
    const last = d[--this.size]!;
    let i = 0;
    const n = this.size;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && d[c + 1]! < d[c]!) c++;
      if (d[c]! >= last) break;
      d[i] = d[c]!;
      i = c;
    }
    d[i] = last;
    return top;
  }
}
