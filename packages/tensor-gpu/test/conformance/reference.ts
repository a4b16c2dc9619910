/**
 * Naive float64 reference implementations of the contract's ops, written independently of the
 * kernels (index arithmetic, no blocking, no fusion): the conformance suite compares every backend's
 * kernels to these. Random ops use the Philox functions (checked against Random123's known answers
 * in `tensor-random.test.ts`) because their indexing IS the spec.
 */
import { philoxNormal, philoxUniform } from '../../src/index.js';

export type Arr = Float64Array | Int32Array;

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let o = 0;
  for (let d = 0; d < shape.length; d++) o = o * shape[d]! + idx[d]!;
  return o;
}

/** Index into a tensor of `inShape` broadcast to `outShape` at output multi-index `idx`. */
export function bcast(
  idx: readonly number[],
  inShape: readonly number[],
  outShape: readonly number[],
): number {
  const lead = outShape.length - inShape.length;
  const sub = inShape.map((d, i) => (d === 1 ? 0 : idx[i + lead]!));
  return ravel(sub, inShape);
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

export function erfRef(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse; use the Taylor series (converges for all x; fine here).
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
    if (Math.abs(term) < 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));
const c = Math.sqrt(2 / Math.PI);

export const unaryRef: Record<string, [(x: number) => number, (x: number) => number]> = {
  neg: [(x) => -x, () => -1],
  abs: [Math.abs, (x) => Math.sign(x)],
  exp: [Math.exp, Math.exp],
  log: [Math.log, (x) => 1 / x],
  sqrt: [Math.sqrt, (x) => 0.5 / Math.sqrt(x)],
  rsqrt: [(x) => x ** -0.5, (x) => -0.5 * x ** -1.5],
  square: [(x) => x * x, (x) => 2 * x],
  reciprocal: [(x) => 1 / x, (x) => -1 / (x * x)],
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  sigmoid: [sig, (x) => sig(x) * (1 - sig(x))],
  relu: [(x) => Math.max(x, 0), (x) => (x > 0 ? 1 : 0)],
  gelu_erf: [
    (x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2)),
    (x) => 0.5 * (1 + erfRef(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  ],
  gelu_tanh: [
    (x) => 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x ** 3))),
    (x) => {
      const h = 1e-6;
      const f = (v: number) => 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3)));
      return (f(x + h) - f(x - h)) / (2 * h);
    },
  ],
  silu: [(x) => x * sig(x), (x) => sig(x) + x * sig(x) * (1 - sig(x))],
  sin: [Math.sin, Math.cos],
  cos: [Math.cos, (x) => -Math.sin(x)],
};

export const binaryRef: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max,
  minimum: Math.min,
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

export function matmulRef(
  a: Arr,
  as: number[],
  b: Arr,
  bs: number[],
  transA: boolean,
  transB: boolean,
): { y: Float64Array; shape: number[] } {
  const ra = as.length;
  const rb = bs.length;
  const [M, K] = transA ? [as[ra - 1]!, as[ra - 2]!] : [as[ra - 2]!, as[ra - 1]!];
  const N = transB ? bs[rb - 2]! : bs[rb - 1]!;
  const batch = broadcastShape(as.slice(0, -2), bs.slice(0, -2));
  const shape = [...batch, M, N];
  const y = new Float64Array(size(shape));
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  for (let bi = 0; bi < size(batch); bi++) {
    const idx = unravel(bi, batch);
    const ao = bcast(idx, aBatch, batch) * as[ra - 1]! * as[ra - 2]!;
    const bo = bcast(idx, bBatch, batch) * bs[rb - 1]! * bs[rb - 2]!;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const av = transA ? a[ao + k * M + m]! : a[ao + m * K + k]!;
          const bv = transB ? b[bo + n * K + k]! : b[bo + k * N + n]!;
          s += av * bv;
        }
        y[bi * M * N + m * N + n] = s;
      }
    }
  }
  return { y, shape };
}

/** Attention forward + backward, naive: returns o, lse, and (given dout) dq, dk, dv. */
export function attentionRef(
  q: Arr,
  k: Arr,
  v: Arr,
  qs: number[],
  ks: number[],
  causal: boolean,
  scale: number,
  dout?: Arr,
): { o: Float64Array; lse: Float64Array; dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  const [B, H, T, D] = qs as [number, number, number, number];
  const [, Hkv, S] = ks as [number, number, number, number];
  const o = new Float64Array(B * H * T * D);
  const lse = new Float64Array(B * H * T);
  const dq = new Float64Array(o.length);
  const dk = new Float64Array(B * Hkv * S * D);
  const dv = new Float64Array(dk.length);
  const group = H / Hkv;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hk = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = ((b * H + h) * T + t) * D;
        const s = new Float64Array(S).fill(-Infinity);
        for (let j = 0; j < S; j++) {
          if (causal && j > t + (S - T)) continue;
          const ko = ((b * Hkv + hk) * S + j) * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qo + d]! * k[ko + d]!;
          s[j] = dot * scale;
        }
        const max = Math.max(...s);
        let sum = 0;
        for (let j = 0; j < S; j++) sum += Math.exp(s[j]! - max);
        lse[(b * H + h) * T + t] = max + Math.log(sum);
        const p = Array.from(s, (x) => Math.exp(x - max) / sum);
        for (let j = 0; j < S; j++) {
          const vo = ((b * Hkv + hk) * S + j) * D;
          for (let d = 0; d < D; d++) o[qo + d] = o[qo + d]! + p[j]! * v[vo + d]!;
        }
        if (!dout) continue;
        // dP_j = dO · v_j ; dS_j = P_j (dP_j − Σ P dP)
        const dp = new Float64Array(S);
        let pdp = 0;
        for (let j = 0; j < S; j++) {
          const vo = ((b * Hkv + hk) * S + j) * D;
          let x = 0;
          for (let d = 0; d < D; d++) x += dout[qo + d]! * v[vo + d]!;
          dp[j] = x;
          pdp += p[j]! * x;
        }
        for (let j = 0; j < S; j++) {
          const ko = ((b * Hkv + hk) * S + j) * D;
          const ds = p[j]! * (dp[j]! - pdp);
          for (let d = 0; d < D; d++) {
            dq[qo + d] = dq[qo + d]! + ds * scale * k[ko + d]!;
            dk[ko + d] = dk[ko + d]! + ds * scale * q[qo + d]!;
            dv[ko + d] = dv[ko + d]! + p[j]! * dout[qo + d]!;
          }
        }
      }
    }
  }
  return { o, lse, dq, dk, dv };
}

export { philoxNormal, philoxUniform };
