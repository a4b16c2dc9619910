/**
 * MinHash signatures over word shingles, and the LSH banding that finds candidate pairs among
 * millions of documents without comparing every pair (Broder 1997; Leskovec, Rajaraman & Ullman,
 * "Mining of Massive Datasets", ch. 3).
 *
 * ```
 * text ─► words (lower-cased runs of letters/digits) ─► shingles (k consecutive words, hashed)
 *      ─► signature[i] = min over shingles of hᵢ(shingle), i < P   (P "permutations")
 * ```
 *
 * Two documents agree on signature[i] with probability equal to the Jaccard similarity J of their
 * shingle sets, so the fraction of equal entries estimates J. Banding cuts the signature into b
 * bands of r rows; two documents become candidates when any band is equal, which happens with
 * probability 1 − (1 − J^r)^b: an S-curve that is steep around J ≈ (1/b)^(1/r).
 *
 * Worked example: "the cat sat on the mat" with k = 3 has the shingles {the cat sat, cat sat on,
 * sat on the, on the mat}; "the cat sat on a mat" shares 2 of 6 distinct shingles: J = 1/3.
 */

/** Shingle and signature settings. */
export interface MinHashOptions {
  /** Words per shingle (k). */
  shingleSize: number;
  /** Signature length (P). */
  permutations: number;
  /** Seed of the hash functions. */
  seed: number;
}

/** murmur3's 32-bit finalizer: a bijection on uint32 that mixes every input bit into every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * The hashes of the lower-cased words of `text` (maximal runs of letters and digits), FNV-1a over
 * UTF-16 code units. ASCII is handled without regular expressions.
 *
 * @example
 * ```ts
 * wordHashes('The cat, the CAT!').length; // 4 (the, cat, the, cat), equal words equal hashes
 * ```
 */
export function wordHashes(text: string): Uint32Array {
  let out = new Uint32Array(Math.max(16, text.length >>> 3));
  let n = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  const end = () => {
    if (!inWord) return;
    if (n === out.length) {
      const grown = new Uint32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[n++] = h >>> 0;
    h = FNV_OFFSET;
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    let word: boolean;
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) c += 0x20; // A-Z → a-z
      word = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
      if (word) h = Math.imul(h ^ c, FNV_PRIME);
    } else {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (cp > 0xffff) i++;
      word = WORD_CHAR.test(ch);
      if (word) {
        const lower = ch.toLowerCase();
        for (let k = 0; k < lower.length; k++) h = Math.imul(h ^ lower.charCodeAt(k), FNV_PRIME);
      }
    }
    if (word) inWord = true;
    else end();
  }
  end();
  return out.subarray(0, n);
}

/**
 * The hashes of the k-word shingles of a word-hash sequence (one shingle of all words when there
 * are fewer than k, none for no words).
 *
 * @example
 * ```ts
 * shingleHashes(wordHashes('the cat sat on the mat'), 3).length; // 4
 * ```
 */
export function shingleHashes(words: Uint32Array, k: number): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  const count = Math.max(1, words.length - k + 1);
  const span = Math.min(k, words.length);
  const out = new Uint32Array(count);
  for (let s = 0; s < count; s++) {
    let h = 0x9747b28c;
    for (let j = 0; j < span; j++) h = Math.imul(h ^ words[s + j]!, 0x5bd1e995) ^ (h >>> 15);
    out[s] = fmix32(h);
  }
  return out;
}

/**
 * Computes MinHash signatures with P seeded hash functions hᵢ(x) = mix((x ⊕ aᵢ) · bᵢ mod 2³²), aᵢ and
 * bᵢ (odd) drawn from the seed: each hᵢ is a bijection of uint32, standing in for a random
 * permutation of the shingle space (tests check the estimate against the exact Jaccard).
 *
 * @example
 * ```ts
 * const mh = new MinHasher({ shingleSize: 5, permutations: 128, seed: 0 });
 * const a = mh.signature('It is a truth universally acknowledged, that a single man ...');
 * const b = mh.signature('It is a truth universally acknowledged that a single man ...');
 * MinHasher.similarity(a, b); // ≈ Jaccard similarity of the two shingle sets
 * ```
 */
export class MinHasher {
  readonly options: MinHashOptions;
  private readonly a: Uint32Array;
  private readonly b: Uint32Array;

  constructor(options: MinHashOptions) {
    this.options = options;
    const P = options.permutations;
    this.a = new Uint32Array(P);
    this.b = new Uint32Array(P);
    let state = fmix32(options.seed ^ 0x2545f491);
    const next = () => {
      state = fmix32((state + 0x9e3779b9) >>> 0);
      return state;
    };
    for (let i = 0; i < P; i++) {
      this.a[i] = next();
      this.b[i] = next() | 1;
    }
  }

  /** The signature of a text (all 0xffffffff for a text without words). */
  signature(text: string): Uint32Array {
    return this.signatureOf(shingleHashes(wordHashes(text), this.options.shingleSize));
  }

  /** The signature of a set of shingle hashes. */
  signatureOf(shingles: Uint32Array): Uint32Array {
    const P = this.options.permutations;
    const sig = new Uint32Array(P).fill(0xffffffff);
    const { a, b } = this;
    for (let s = 0; s < shingles.length; s++) {
      const x = shingles[s]!;
      for (let i = 0; i < P; i++) {
        // hᵢ(x): xor with aᵢ, multiply by an odd bᵢ (both bijections mod 2³²), then mix
        let h = Math.imul(x ^ a[i]!, b[i]!);
        h ^= h >>> 15;
        h = Math.imul(h, 0x2c1b3c6d);
        h = (h ^ (h >>> 12)) >>> 0;
        if (h < sig[i]!) sig[i] = h;
      }
    }
    return sig;
  }

  /** The fraction of equal entries: an estimate of the Jaccard similarity. */
  static similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return a.length === 0 ? 0 : same / a.length;
  }
}

/**
 * The exact Jaccard similarity of two texts' shingle sets (for tests and small inputs).
 *
 * @example
 * ```ts
 * jaccard('the cat sat on the mat', 'the cat sat on a mat', 3); // 1/3
 * ```
 */
export function jaccard(a: string, b: string, shingleSize: number): number {
  const sa = new Set(shingleHashes(wordHashes(a), shingleSize));
  const sb = new Set(shingleHashes(wordHashes(b), shingleSize));
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 1 : inter / union;
}

/**
 * Probability that two documents of Jaccard similarity s share at least one of b bands of r rows.
 *
 * @example
 * ```ts
 * candidateProbability(0.8, 9, 14); // ≈ 0.33: J = 0.8 sits on the steep part of the S-curve
 * ```
 */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - (1 - s ** rows) ** bands;
}

/**
 * The bands b and rows r (b·r ≤ P) that minimise the false-positive area (similarity below the
 * threshold, yet candidates) plus the false-negative area (above it, yet never candidates) under
 * the S-curve, integrated numerically: the choice of datasketch's `MinHashLSH`.
 *
 * @example
 * ```ts
 * lshParameters(0.8, 128); // { bands: 9, rows: 14 }
 * ```
 */
export function lshParameters(threshold: number, permutations: number): { bands: number; rows: number } {
  const integrate = (f: (s: number) => number, lo: number, hi: number) => {
    const n = 100;
    const h = (hi - lo) / n;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += f(lo + (i + 0.5) * h) * h;
    return sum;
  };
  let best = { bands: 1, rows: permutations, error: Number.POSITIVE_INFINITY };
  for (let bands = 1; bands <= permutations; bands++) {
    for (let rows = 1; bands * rows <= permutations; rows++) {
      const fp = integrate((s) => candidateProbability(s, bands, rows), 0, threshold);
      const fn = integrate((s) => 1 - candidateProbability(s, bands, rows), threshold, 1);
      const error = 0.5 * fp + 0.5 * fn;
      if (error < best.error) best = { bands, rows, error };
    }
  }
  return { bands: best.bands, rows: best.rows };
}
