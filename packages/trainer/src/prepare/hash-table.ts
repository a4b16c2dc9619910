/**
 * A compact open-addressing hash table from 64-bit keys (two uint32 halves) to non-negative int32
 * values: 12 bytes per slot instead of the ~100 of a `Map<string, number>`, so deduplicating
 * millions of documents costs tens of megabytes, not gigabytes. Keys are already hashes, so the low
 * half picks the slot directly (linear probing, load factor ≤ 0.5, doubling when full).
 *
 * @example
 * ```ts
 * const t = new HashTable64();
 * t.setIfAbsent(0xdeadbeef, 42, 7); // 7
 * t.get(0xdeadbeef, 42);            // 7
 * ```
 */
export class HashTable64 {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** value + 1; 0 marks an empty slot. */
  private val: Int32Array;
  private mask: number;
  /** Number of keys stored. */
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.val = new Int32Array(n);
    this.mask = n - 1;
  }

  private slot(hi: number, lo: number): number {
    let i = lo & this.mask;
    while (this.val[i] !== 0 && (this.hi[i] !== hi >>> 0 || this.lo[i] !== lo >>> 0)) i = (i + 1) & this.mask;
    return i;
  }

  /** The value stored for the key, or −1. */
  get(hi: number, lo: number): number {
    return this.val[this.slot(hi, lo)]! - 1;
  }

  /** Stores `value` (≥ 0) for the key unless it is present; returns the value now stored. */
  setIfAbsent(hi: number, lo: number, value: number): number {
    const i = this.slot(hi, lo);
    if (this.val[i] !== 0) return this.val[i]! - 1;
    this.hi[i] = hi >>> 0;
    this.lo[i] = lo >>> 0;
    this.val[i] = value + 1;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return value;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.val.length * 12;
  }

  private grow(): void {
    const { hi, lo, val } = this;
    const n = val.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.val = new Int32Array(n);
    this.mask = n - 1;
    for (let i = 0; i < val.length; i++) {
      if (val[i] === 0) continue;
      const j = this.slot(hi[i]!, lo[i]!);
      this.hi[j] = hi[i]!;
      this.lo[j] = lo[i]!;
      this.val[j] = val[i]!;
    }
  }
}
