/**
 * Philox4x32-10 in WGSL: the same bits as `random/philox.ts` (the CPU reference), so dropout masks
 * and random inits are identical on both backends.
 *
 * WGSL has no 64-bit integers, so the high half of a 32×32-bit product is assembled from 16-bit
 * pieces exactly like the TypeScript `mulhi32`. Counter = (n_lo, n_hi, 0, 0) with n = offset + block,
 * where offset arrives as two u32 words (it may exceed 2³²); key = (seed_lo, seed_hi).
 *
 * Provided functions:
 *   philox(c: vec4<u32>, k: vec2<u32>) -> vec4<u32>
 *   philoxBlock(seed: vec2<u32>, offset: vec2<u32>, block: u32) -> vec4<u32>
 *   bitsToUniform(b: u32) -> f32        // (b >> 8) · 2⁻²⁴ ∈ [0, 1)
 */
export const PHILOX_WGSL = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu; let aHi = a >> 16u;
  let bLo = b & 0xffffu; let bHi = b >> 16u;
  let lolo = aLo * bLo;
  let mid1 = aHi * bLo;
  let mid2 = aLo * bHi;
  let carry = ((lolo >> 16u) + (mid1 & 0xffffu) + (mid2 & 0xffffu)) >> 16u;
  return aHi * bHi + (mid1 >> 16u) + (mid2 >> 16u) + carry;
}
fn philox(c_in: vec4<u32>, k_in: vec2<u32>) -> vec4<u32> {
  var c = c_in;
  var k = k_in;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi32(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi32(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}
fn philoxBlock(seed: vec2<u32>, offset: vec2<u32>, block: u32) -> vec4<u32> {
  let lo = offset.x + block;
  let hi = offset.y + select(0u, 1u, lo < offset.x);
  return philox(vec4<u32>(lo, hi, 0u, 0u), seed);
}
fn bitsToUniform(b: u32) -> f32 { return f32(b >> 8u) * (1.0 / 16777216.0); }
`;

const TWO32 = 4294967296;

/** A number < 2⁵³ as [low 32 bits, high bits] (the params layout of seeds and offsets). */
export function splitU64(x: number): [number, number] {
  return [x >>> 0, Math.floor(x / TWO32) >>> 0];
}
