/**
 * Helpers shared by the `cpu-kernels*.test.ts` files: a seeded generator, random arrays, error
 * measures, a float64 finite-difference gradient, and a minimal safetensors reader for the fixtures.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** mulberry32: a tiny seeded generator, so every test run sees the same numbers. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform values in [-scale, scale). */
export function randn64(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => (2 * r() - 1) * scale);
}

export function randn32(n: number, seed: number, scale = 1): Float32Array {
  return Float32Array.from(randn64(n, seed, scale));
}

/** Largest |a_i − b_i| / (atol/rtol mix): returns the max abs difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}

/** Largest |a_i|, for relative tolerances. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Central finite differences of a scalar function `f` with respect to every element of `x`
 * (perturbed in place and restored), in float64.
 */
export function numericGrad(x: Float64Array, f: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + h;
    const up = f();
    x[i] = keep - h;
    const down = f();
    x[i] = keep;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** `Σ a_i · b_i` in float64: turns an output into a scalar loss with random upstream weights. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** A tensor read from a safetensors file. */
export interface FixtureTensor {
  dtype: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

/**
 * Reads a safetensors file under the repository's `fixtures/` (8-byte little-endian header length, JSON header,
 * then the raw little-endian data). Only F32 and I32 are needed here.
 */
export function readFixture(relative: string): Map<string, FixtureTensor> {
  const path = fileURLToPath(new URL(`../../../fixtures/${relative}`, import.meta.url));
  const bytes = readFileSync(path);
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + headerLen;
  const out = new Map<string, FixtureTensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [start, end] = info.data_offsets;
    const copy = new Uint8Array(bytes.subarray(base + start, base + end)).buffer;
    const data = info.dtype === 'I32' ? new Int32Array(copy) : new Float32Array(copy);
    out.set(name, { dtype: info.dtype, shape: info.shape, data });
  }
  return out;
}
