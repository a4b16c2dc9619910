/**
 * CPU rotary position embedding (RoPE) in the rotate-half layout of Hugging Face's Llama, and its
 * inverse (which is also its backward: a rotation's gradient is the rotation by the opposite angle).
 *
 * `x (B, H, T, D)`, D even, half = D/2. Channel i < half is paired with channel i + half; the pair at
 * position `p = offset + t` is rotated by the angle `p · θ^(−2i/D)`:
 *
 * ```text
 * y_i        = x_i · cos − x_{i+half} · sin
 * y_{i+half} = x_{i+half} · cos + x_i · sin
 * D = 4, θ = 10000, p = 1: frequencies [1, 0.01]; pair (x0, x2) turns by 1 rad, (x1, x3) by 0.01 rad
 * ```
 *
 * `offset` is the position of the first row (the KV-cache length when decoding one token at a time).
 * Angles, cosines and sines are computed in float64.
 */
import type { FloatArray } from '../../backend/dtype.js';
import { type CpuKernel, floatData } from './kernel.js';

/** Shape and parameters of one RoPE call. */
export interface RopeSpec {
  /** Leading dims folded together: B·H. */
  BH: number;
  T: number;
  D: number;
  /** Base of the frequencies (10000 for Llama 2, 500000 for Llama 3). */
  theta: number;
  /** Position of row t = 0. */
  offset: number;
  /** Rotate by −angle (undo the rotation; the backward pass). */
  inverse?: boolean;
}

/**
 * The angles' cosines and sines per (t, i), `T × D/2` row-major, in float64; the sines negated for
 * the inverse. Shared by {@link ropeCpu} and the WebAssembly kernel (which reads them as float32).
 */
export function ropeTables(spec: RopeSpec): { cos: Float64Array; sin: Float64Array } {
  const { T, D, theta, offset } = spec;
  const half = D >> 1;
  const sign = spec.inverse ? -1 : 1;
  const cos = new Float64Array(T * half);
  const sin = new Float64Array(T * half);
  for (let i = 0; i < half; i++) {
    const freq = theta ** ((-2 * i) / D);
    for (let t = 0; t < T; t++) {
      const angle = (offset + t) * freq;
      cos[t * half + i] = Math.cos(angle);
      sin[t * half + i] = sign * Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * Applies RoPE (or its inverse) to `x` into `out` (`out` may be `x`).
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * ropeCpu(new Float32Array([1, 0]), out, { BH: 1, T: 1, D: 2, theta: 10000, offset: 1 });
 * // angle 1 rad: out ≈ [cos 1, sin 1] = [0.540, 0.841]
 * ```
 */
export function ropeCpu(x: FloatArray, out: FloatArray, spec: RopeSpec): void {
  const { BH, T, D } = spec;
  const half = D >> 1;
  // Tables of cos/sin per (t, i): computed once, reused for every head.
  const { cos, sin } = ropeTables(spec);
  for (let bh = 0; bh < BH; bh++) {
    for (let t = 0; t < T; t++) {
      const base = (bh * T + t) * D;
      const tb = t * half;
      for (let i = 0; i < half; i++) {
        const x1 = x[base + i]!;
        const x2 = x[base + i + half]!;
        const c = cos[tb + i]!;
        const s = sin[tb + i]!;
        out[base + i] = x1 * c - x2 * s;
        out[base + i + half] = x2 * c + x1 * s;
      }
    }
  }
}

/** The contract's `rope` kernel: x (B,H,T,D) → y. */
export const ropeKernel: CpuKernel<'rope'> = ({ inputs: { x }, outputs: { y }, attrs }) => {
  const [B, H, T, D] = x.shape as [number, number, number, number];
  ropeCpu(floatData('rope', x.storage), floatData('rope', y.storage), {
    BH: B * H,
    T,
    D,
    theta: attrs.theta,
    offset: attrs.offset,
    inverse: attrs.inverse,
  });
};
