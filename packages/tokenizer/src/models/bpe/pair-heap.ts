/**
 * A binary max-heap of `(count, pair)` entries for the BPE trainer, stored in typed arrays.
 *
 * Order: the highest count first; among equal counts, the pair with the smallest `rank` (the
 * trainer passes `left * 2^21 + right`, so the smallest left id, then the smallest right id) first.
 * That is the documented, deterministic tie-break of {@link trainBpe}.
 *
 * The heap uses lazy deletion: when a pair's count drops, its entry is left in place with the old
 * (too high) count; the trainer notices the mismatch when the entry reaches the top and pushes it
 * back with the current count. Counts only ever drop except for pairs created by a merge, which the
 * trainer pushes fresh, so every pair always has an entry whose count is at least its real count.
 *
 * ```
 * push (5, ab) (9, cd) (5, aa)  ->  pop order: (9, cd) (5, aa) (5, ab)
 * ```
 */
import { grown } from '../../pipeline/typed-arrays.js';

export class PairHeap {
  private counts = new Float64Array(1024);
  private ranks = new Float64Array(1024);
  private pairs = new Int32Array(1024);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** True when entry i must come out before entry j. */
  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.ranks[i]! < this.ranks[j]!);
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]!;
    this.counts[i] = this.counts[j]!;
    this.counts[j] = c;
    const r = this.ranks[i]!;
    this.ranks[i] = this.ranks[j]!;
    this.ranks[j] = r;
    const p = this.pairs[i]!;
    this.pairs[i] = this.pairs[j]!;
    this.pairs[j] = p;
  }

  /** Add pair number `pair` with its `count` and tie-break `rank`. */
  push(pair: number, count: number, rank: number): void {
    if (this.n === this.counts.length) {
      this.counts = grown(this.counts, this.n * 2);
      this.ranks = grown(this.ranks, this.n * 2);
      this.pairs = grown(this.pairs, this.n * 2);
    }
    let i = this.n++;
    this.counts[i] = count;
    this.ranks[i] = rank;
    this.pairs[i] = pair;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The count stored with the top entry (may be stale, see above). */
  topCount(): number {
    return this.counts[0]!;
  }

  /** Remove the top entry and return its pair number, or -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const top = this.pairs[0]!;
    this.n--;
    if (this.n > 0) {
      this.counts[0] = this.counts[this.n]!;
      this.ranks[0] = this.ranks[this.n]!;
      this.pairs[0] = this.pairs[this.n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.n) break;
        const r = l + 1;
        const best = r < this.n && this.before(r, l) ? r : l;
        if (!this.before(best, i)) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}
