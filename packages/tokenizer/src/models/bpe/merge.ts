/**
 * The merge loop, fast: `encodeWithRanks` of `reference.ts` (merge the lowest-ranked adjacent pair,
 * leftmost on ties, until none is left) over a word held in an Int32Array, with the same result on
 * every input (`test/bpe-merge.test.ts` runs all three loops below against the reference).
 *
 * Worked example with merges `[(h,e) rank 0, (l,l) rank 1, (he,ll) rank 2]` on "hello":
 *
 *     h e l l o   pairs: he:0 el:- ll:1 lo:-   -> merge he
 *     he l l o    pairs: hel:- ll:1 lo:-       -> merge ll
 *     he ll o     pairs: hell:2 llo:-          -> merge he+ll
 *     hell o      no pair left                 -> [hell, o]
 *
 * Three loops, one result, chosen by the word:
 *
 * | loop           | used for                        | cost                | how                                            |
 * |----------------|---------------------------------|---------------------|------------------------------------------------|
 * | `mergeShort`   | words up to 128 symbols (nearly all) | O(n²), tiny constants | the reference's scan, with each pair's rank cached in an array |
 * | `mergeBuckets` | longer words (a 100,000-character run) | near-linear        | a linked list, one queue of positions per rank |
 * | `mergeHeap`    | BPE-dropout                     | O(n log n)          | HF's algorithm: a linked list and a min-heap of (rank, position) |
 *
 * With dropout the result depends on the order candidates are drawn in, so that loop is HF's own;
 * without dropout it gives the reference's result like the other two.
 */
import type { PairTable } from './pair-table.js';

/** Words at most this long use the array scan; longer ones the rank buckets. */
const SHORT_WORD = 128;

/**
 * Merges `syms[0..n)` in place and returns the new length. `sizes` (optional) holds the length of
 * each symbol in any unit the caller likes (bytes, UTF-16 units) and is merged alongside, so the
 * caller can recover each final symbol's span. `dropout`, when given, is asked before each merge
 * whether to skip it (BPE-dropout).
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
  if (dropout !== undefined) return mergeHeap(syms, n, table, sizes, dropout);
  if (n <= SHORT_WORD) return mergeShort(syms, n, table, sizes);
  return mergeBuckets(syms, n, table, sizes);
}

/** "No merge" in `mergeShort`'s rank array: above every rank. */
const NONE = 0x7fffffff;

const shortRanks = new Int32Array(SHORT_WORD);

/**
 * The reference's loop on a typed array: the rank of each adjacent pair is looked up once and kept
 * in `ranks` (a pair that does not merge is NONE, above every rank, so finding the best is one
 * compare per pair); a merge shifts the tail left by one and looks up only the two new pairs.
 */
function mergeShort(syms: Int32Array, n: number, table: PairTable, sizes: Int32Array | null): number {
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

/** Where the linked-list loop takes its candidate merges from, lowest (rank, position) first. */
interface Candidates {
  /** Offers the pair at `pos` (the symbol there and the next live one), of rank `rank`. */
  add(rank: number, pos: number): void;
  /** The position of the next candidate, or -1 when none is left; its rank is then `active`. */
  next(): number;
  readonly active: number;
}

/**
 * The long-word loop: the word as a doubly linked list over its original positions, so a merge
 * unlinks one node instead of shifting the tail, and candidate merges from `q` (HF's heap, or the
 * rank buckets). A candidate is stale, and skipped, when the pair at its position no longer merges
 * into what it did when the candidate was made (HF's check).
 */
function mergeLinked(
  syms: Int32Array,
  n: number,
  table: PairTable,
  sizes: Int32Array | null,
  q: Candidates,
): number {
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  const merged = table.merged;
  for (let i = 0; i < n - 1; i++) {
    const r = table.rank(syms[i]!, syms[i + 1]!);
    if (r >= 0) q.add(r, i);
  }
  for (let pos = q.next(); pos >= 0; pos = q.next()) {
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
    // `pos` before `before`: same-rank candidates reach the buckets' stack with the smallest on top.
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
 * HF's `Word::merge_all`: the linked-list loop over a min-heap of `(rank, position)` candidates.
 * With `dropout`, each popped candidate is skipped with that probability and pushed back after the
 * next one is taken, as HF does.
 */
function mergeHeap(
  syms: Int32Array,
  n: number,
  table: PairTable,
  sizes: Int32Array | null,
  dropout: () => boolean,
): number {
  return mergeLinked(syms, n, table, sizes, new HeapCandidates(n, dropout));
}

/** The candidates of {@link mergeHeap}: (rank, position) packed in one float, `rank * n + position`. */
class HeapCandidates implements Candidates {
  active = -1;
  private readonly heap: MinHeap;
  private readonly skipped: number[] = [];
  private readonly n: number;
  private readonly dropout: () => boolean;

  constructor(n: number, dropout: () => boolean) {
    // Exact while ranks * n < 2^53, i.e. for any word that fits in memory.
    this.n = n;
    this.heap = new MinHeap(n);
    this.dropout = dropout;
  }

  add(rank: number, pos: number): void {
    this.heap.push(rank * this.n + pos);
  }

  next(): number {
    const heap = this.heap;
    while (heap.size > 0) {
      const top = heap.pop();
      if (this.dropout()) {
        this.skipped.push(top);
        continue;
      }
      for (const s of this.skipped) heap.push(s);
      this.skipped.length = 0;
      const pos = top % this.n;
      this.active = (top - pos) / this.n;
      return pos;
    }
    return -1;
  }
}

/**
 * The same merges as the heap loop without dropout, in the same order, without the heap's O(log n)
 * per candidate. The heap pops candidates by (rank, position); here each rank has its own list of
 * positions, and a small heap holds only the distinct ranks (a few dozen even for a 100,000-symbol
 * run). Why one rank's list can be consumed front to back without a heap:
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
 */
function mergeBuckets(syms: Int32Array, n: number, table: PairTable, sizes: Int32Array | null): number {
  return mergeLinked(syms, n, table, sizes, new RankQueues());
}

/**
 * The candidates of {@link mergeBuckets}: a list of positions per rank, the heap of waiting ranks,
 * and the rank being consumed (`active`) with its stack in front. A class rather than closures, so
 * the calls stay monomorphic from one word to the next (a fresh closure per call deoptimizes).
 */
class RankQueues implements Candidates {
  /** The rank `next` last returned a position of (-1 before the first). */
  active = -1;
  private lists = new Map<number, number[]>();
  private ranks = new MinHeap(16);
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

/** A binary min-heap of numbers in a growable Float64Array. */
class MinHeap {
  private data: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  peek(): number {
    return this.data[0]!;
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
