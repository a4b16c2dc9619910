/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
 * counter-based generator. `philox(counter, key)` is a pure function of a 128-bit counter and a 64-bit
 * key, so element `i` of a random tensor can be computed by any thread on any backend independently
 * and gives the SAME bits on the CPU and in WGSL: dropout masks are regenerated in backward instead of
 * stored, and generator state is just `{ seed, offset }` (exact resume).
 *
 * One round: (c0,c1,c2,c3) → (hi(M1·c2) ⊕ c1 ⊕ k0, lo(M1·c2), hi(M0·c0) ⊕ c3 ⊕ k1, lo(M0·c0));
 * then the key is bumped by the Weyl constants (W0, W1). Ten rounds.
 *
 * Indexing used by every backend (the contract in `backend/ops.ts`):
 * - key = (seed mod 2³², ⌊seed / 2³²⌋), counter = (low 32 bits of n, high bits of n, 0, 0).
 * - uniform element i: n = offset + ⌊i/4⌋, lane i mod 4; u = (bits >>> 8) · 2⁻²⁴ ∈ [0, 1).
 *   A tensor of `size` uniforms consumes ⌈size/4⌉ counters.
 * - normal element i: n = offset + ⌊i/2⌋, lanes a = 2·(i mod 2), b = a + 1;
 *   u1 = ((bits_a >>> 8) + 1) · 2⁻²⁴ ∈ (0, 1], u2 = (bits_b >>> 8) · 2⁻²⁴;
 *   z = √(−2 ln u1) · cos(2π u2). A tensor of `size` normals consumes ⌈size/2⌉ counters.
 *
 * @example
 * ```ts
 * philox4x32([0, 0, 0, 0], [0, 0]); // [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] (Random123 KAT)
 * philoxUniform(42, 0, 5); // the same number on every backend, every time
 * ```
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32s (JS numbers are exact to 2⁵³, so split 16-bit). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo;
  const mid2 = aLo * bHi;
  // carry out of the low 32 bits: (lolo >>> 16) + low16(mid1) + low16(mid2), shifted down 16
  const carry = ((lolo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16) + carry) >>> 0;
}

/**
 * The raw generator into a caller-provided array (no allocation): `out` gets 4 u32s.
 */
export function philox4x32Into(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array | number[],
): void {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** Philox4x32-10 of a 4-word counter and 2-word key → 4 u32 words. */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): [number, number, number, number] {
  const out = [0, 0, 0, 0];
  philox4x32Into(
    counter[0] >>> 0,
    counter[1] >>> 0,
    counter[2] >>> 0,
    counter[3] >>> 0,
    key[0] >>> 0,
    key[1] >>> 0,
    out,
  );
  return out as [number, number, number, number];
}

const TWO32 = 4294967296;
const INV24 = 1 / 16777216;

/** The 4 words of block `n` (a counter, up to 2⁵³) under `seed` (up to 2⁵³). */
export function philoxBlock(seed: number, n: number, out: Uint32Array | number[]): void {
  philox4x32Into(n >>> 0, Math.floor(n / TWO32) >>> 0, 0, 0, seed >>> 0, Math.floor(seed / TWO32) >>> 0, out);
}

const scratch = new Uint32Array(4);

/** Uniform [0, 1) number of element `i` of a draw at `offset` (see the indexing above). */
export function philoxUniform(seed: number, offset: number, i: number): number {
  philoxBlock(seed, offset + Math.floor(i / 4), scratch);
  return (scratch[i & 3]! >>> 8) * INV24;
}

/** Standard normal number of element `i` of a draw at `offset` (Box–Muller, cos branch). */
export function philoxNormal(seed: number, offset: number, i: number): number {
  philoxBlock(seed, offset + Math.floor(i / 2), scratch);
  const a = (i & 1) * 2;
  const u1 = ((scratch[a]! >>> 8) + 1) * INV24;
  const u2 = (scratch[a + 1]! >>> 8) * INV24;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Fills `out` with uniforms in [low, high) for elements 0..out.length−1 (one philox call per 4).
 */
export function fillUniform(
  out: Float32Array | Float64Array,
  seed: number,
  offset: number,
  low = 0,
  high = 1,
): void {
  const n = out.length;
  const span = high - low;
  for (let b = 0; b * 4 < n; b++) {
    philoxBlock(seed, offset + b, scratch);
    const end = Math.min(4, n - b * 4);
    for (let l = 0; l < end; l++) out[b * 4 + l] = low + span * ((scratch[l]! >>> 8) * INV24);
  }
}

/** Fills `out` with normals (mean, std) for elements 0..out.length−1 (one philox call per 2). */
export function fillNormal(
  out: Float32Array | Float64Array,
  seed: number,
  offset: number,
  mean = 0,
  std = 1,
): void {
  const n = out.length;
  for (let b = 0; b * 2 < n; b++) {
    philoxBlock(seed, offset + b, scratch);
    const end = Math.min(2, n - b * 2);
    for (let l = 0; l < end; l++) {
      const u1 = ((scratch[2 * l]! >>> 8) + 1) * INV24;
      const u2 = (scratch[2 * l + 1]! >>> 8) * INV24;
      out[b * 2 + l] = mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }
}

/** Counters a draw of `size` uniforms consumes: ⌈size/4⌉. Advance a generator's offset by this. */
export function uniformCounters(size: number): number {
  return Math.ceil(size / 4);
}

/** Counters a draw of `size` normals consumes: ⌈size/2⌉. */
export function normalCounters(size: number): number {
  return Math.ceil(size / 2);
}

/**
 * What a random-drawing function needs from a generator: its seed and a mutable counter offset that
 * the function advances by the counters it consumed. `RandomGenerator` (`random-generator.ts`) is
 * one; any `{ seed, offset }` object is another.
 */
export interface PhiloxStream {
  readonly seed: number;
  offset: number;
}
