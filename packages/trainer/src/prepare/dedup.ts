/**
 * Deduplication in one streaming pass, keeping the first occurrence:
 *
 * 1. exact: the SHA-256 of the normalized text (64 bits of it kept in a {@link HashTable64});
 * 2. near: MinHash over word shingles + LSH bands ({@link MinHasher}, {@link lshParameters}). A
 *    document whose band matches an earlier kept document is compared with it on the signatures;
 *    an estimated Jaccard similarity ≥ `threshold` makes it a near duplicate. Verifying candidates
 *    removes the false positives of banding (two unrelated documents sharing one band by chance).
 *
 * Memory per kept document: 12·2 bytes in the exact table, 12·2·b bytes in the band tables, and
 * 2·P bytes of signature (the low 16 bits of each entry, enough to estimate J: two different
 * minima agree on 16 bits with probability 2⁻¹⁶). With P = 128, b ≈ 9: about 0.5 KB per document,
 * independent of the document's length.
 */

import { createHash } from 'node:crypto';
import { HashTable64 } from './hash-table.js';
import { lshParameters, MinHasher, shingleHashes, wordHashes } from './minhash.js';

/** Near-duplicate settings. */
export interface NearDedupOptions {
  /** Estimated Jaccard similarity at or above which a document is a near duplicate. */
  threshold: number;
  /** Words per shingle. */
  shingleSize: number;
  /** MinHash signature length. */
  permutations: number;
  /** LSH bands; default from {@link lshParameters}. rows = ⌊permutations / bands⌋. */
  bands?: number;
  /** Seed of the hash functions. */
  seed: number;
}

/** Why a document was dropped, or null when it is kept. */
export type DedupVerdict = 'exact' | 'near' | null;

/**
 * First-occurrence deduplication of a stream of documents.
 *
 * @example
 * ```ts
 * const d = new Deduplicator({ exact: true, near: { threshold: 0.8, shingleSize: 5, permutations: 128, seed: 0 } });
 * d.check('a b c d e f g h');   // null (kept)
 * d.check('a b c d e f g h');   // 'exact'
 * ```
 */
export class Deduplicator {
  private readonly exact: HashTable64 | null;
  private readonly hasher: MinHasher | null;
  private readonly bandTables: HashTable64[] = [];
  private readonly rows: number;
  private readonly threshold: number;
  /** 16-bit signatures of the kept documents, P per document. */
  private signatures = new Uint16Array(0);
  private kept = 0;

  constructor(options: { exact: boolean; near: NearDedupOptions | null }) {
    this.exact = options.exact ? new HashTable64() : null;
    const near = options.near;
    if (near) {
      this.hasher = new MinHasher(near);
      const bands = near.bands ?? lshParameters(near.threshold, near.permutations).bands;
      this.rows = Math.floor(near.permutations / bands);
      for (let b = 0; b < bands; b++) this.bandTables.push(new HashTable64());
      this.threshold = near.threshold;
      this.signatures = new Uint16Array(1024 * near.permutations);
    } else {
      this.hasher = null;
      this.rows = 0;
      this.threshold = 1;
    }
  }

  /** The LSH layout in use (bands × rows), or null without near deduplication. */
  get lsh(): { bands: number; rows: number } | null {
    return this.hasher ? { bands: this.bandTables.length, rows: this.rows } : null;
  }

  /** Bytes held by the tables and signatures. */
  get bytes(): number {
    return (
      (this.exact?.bytes ?? 0) + this.bandTables.reduce((s, t) => s + t.bytes, 0) + this.signatures.byteLength
    );
  }

  /** Checks a document against the kept ones; a kept document is remembered. */
  check(text: string): DedupVerdict {
    let exactKey: Buffer | null = null;
    if (this.exact) {
      exactKey = createHash('sha256').update(text).digest();
      if (this.exact.get(exactKey.readUInt32LE(0), exactKey.readUInt32LE(4)) !== -1) return 'exact';
    }
    let sig: Uint32Array | null = null;
    const bandKeys: [number, number][] = [];
    if (this.hasher) {
      const P = this.hasher.options.permutations;
      sig = this.hasher.signatureOf(shingleHashes(wordHashes(text), this.hasher.options.shingleSize));
      for (let b = 0; b < this.bandTables.length; b++) {
        const key = bandKey(sig, b * this.rows, this.rows);
        bandKeys.push(key);
        const other = this.bandTables[b]!.get(key[0], key[1]);
        if (other !== -1 && this.similarity(sig, other, P) >= this.threshold) return 'near';
      }
    }
    const id = this.kept++;
    if (this.exact && exactKey)
      this.exact.setIfAbsent(exactKey.readUInt32LE(0), exactKey.readUInt32LE(4), id);
    if (sig) {
      const P = sig.length;
      if ((id + 1) * P > this.signatures.length) {
        const grown = new Uint16Array(this.signatures.length * 2);
        grown.set(this.signatures);
        this.signatures = grown;
      }
      for (let i = 0; i < P; i++) this.signatures[id * P + i] = sig[i]! & 0xffff;
      for (const [b, [hi, lo]] of bandKeys.entries()) this.bandTables[b]!.setIfAbsent(hi, lo, id);
    }
    return null;
  }

  private similarity(sig: Uint32Array, other: number, P: number): number {
    let same = 0;
    const base = other * P;
    for (let i = 0; i < P; i++) if ((sig[i]! & 0xffff) === this.signatures[base + i]) same++;
    return same / P;
  }
}

/** A 64-bit hash of signature rows [from, from + rows), as two uint32 halves. */
function bandKey(sig: Uint32Array, from: number, rows: number): [number, number] {
  let h1 = 0x12345678 ^ from;
  let h2 = 0x9abcdef0 ^ rows;
  for (let i = from; i < from + rows; i++) {
    h1 = Math.imul(h1 ^ sig[i]!, 0x5bd1e995);
    h1 ^= h1 >>> 13;
    h2 = Math.imul(h2 + sig[i]!, 0x27d4eb2f);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, h2 >>> 0];
}
