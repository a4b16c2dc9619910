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
 * Two loops, one result: words up to 128 symbols (nearly all) use a scan over a small array, O(n²)
 * with tiny constants; longer ones (a 100,000-character run) use a linked list and a binary heap,
 * O(n log n).
 */

/**
 * Open-addressing hash table from a pair of symbol ids to a rank. Each slot is 4 int32s
 * `[left, right, rank, unused]` in one array, so a probe touches one cache line (the table of a
 * 200k vocabulary is 16 MB; lookups are bound by memory latency, not arithmetic). The symbol a pair
 * merges into is `merged[rank]`.
 */
export class PairTable {
  private data: Int32Array;
  private mask: number;
  private count = 0;
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
    const d = this.data;
    const mask = this.mask;
    let i = slotOf(a, b) & mask;
    for (;;) {
      const o = i << 2;
      const l = d[o]!;
      if (l === a && d[o + 1] === b) return d[o + 2]!;
      if (l === -1) return -1;
      i = (i + 1) & mask;
    }
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
    for (let o = 0; o < old.length; o += 4) if (old[o] !== -1) this.set(old[o]!, old[o + 1]!, old[o + 2]!);
  }
}

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
  if (n <= SHORT_WORD && dropout === undefined) return mergeShort(syms, n, table, sizes);
  return mergeLong(syms, n, table, sizes, dropout);
}

const shortRanks = new Int32Array(SHORT_WORD);

function mergeShort(syms: Int32Array, n: number, table: PairTable, sizes: Int32Array | null): number {
  const ranks = shortRanks;
  for (let i = 0; i < n - 1; i++) ranks[i] = table.rank(syms[i]!, syms[i + 1]!);
  const merged = table.merged;
  for (;;) {
    let best = -1;
    let bestRank = 0x7fffffff;
    for (let i = 0; i < n - 1; i++) {
      const r = ranks[i]!;
      if (r >= 0 && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return n;
    syms[best] = merged[bestRank]!;
    if (sizes) sizes[best] = sizes[best]! + sizes[best + 1]!;
    // Remove symbol best + 1: shift the tail left by one.
    for (let j = best + 1; j < n - 1; j++) {
      syms[j] = syms[j + 1]!;
      ranks[j] = ranks[j + 1]!;
      if (sizes) sizes[j] = sizes[j + 1]!;
    }
    n--;
    if (best > 0) ranks[best - 1] = table.rank(syms[best - 1]!, syms[best]!);
    if (best < n - 1) ranks[best] = table.rank(syms[best]!, syms[best + 1]!);
  }
}

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
