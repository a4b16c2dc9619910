import { describe, expect, it } from 'vitest';
import { type AttentionSpec, attentionBackwardCpu, attentionCpu } from '../src/cpu/kernels/attention.js';
import { dot, maxAbs, maxAbsDiff, numericGrad, randn32, randn64 } from './cpu-kernels-helpers.js';

/**
 * Naive float64 attention: materialise the (T,S) scores, mask, softmax, weight the values; backward
 * through the materialised probabilities. Written from the definitions, independently of the tiled
 * kernel.
 */
function naiveAttention(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, s: AttentionSpec) {
  const { B, H, Hkv, T, S, D, causal, scale } = s;
  const o = new Float64Array(B * H * T * D);
  const lse = new Float64Array(B * H * T);
  const probs = new Float64Array(B * H * T * S);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kh = Math.floor(h / (H / Hkv));
      for (let t = 0; t < T; t++) {
        const sc: number[] = [];
        for (let j = 0; j < S; j++) {
          if (causal && j > t + S - T) {
            sc.push(Number.NEGATIVE_INFINITY);
            continue;
          }
          let d = 0;
          for (let c = 0; c < D; c++)
            d += q[((b * H + h) * T + t) * D + c]! * k[((b * Hkv + kh) * S + j) * D + c]!;
          sc.push(d * scale);
        }
        const mx = Math.max(...sc);
        const z = sc.reduce((acc, x) => acc + Math.exp(x - mx), 0);
        lse[(b * H + h) * T + t] = mx + Math.log(z);
        for (let j = 0; j < S; j++) {
          const p = Math.exp(sc[j]! - mx) / z;
          probs[((b * H + h) * T + t) * S + j] = p;
          for (let c = 0; c < D; c++)
            o[((b * H + h) * T + t) * D + c]! += p * v[((b * Hkv + kh) * S + j) * D + c]!;
        }
      }
    }
  }
  return { o, lse, probs };
}

function naiveAttentionBackward(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  dO: ArrayLike<number>,
  s: AttentionSpec,
) {
  const { B, H, Hkv, T, S, D, scale } = s;
  const { probs } = naiveAttention(q, k, v, s);
  const dq = new Float64Array(B * H * T * D);
  const dk = new Float64Array(B * Hkv * S * D);
  const dv = new Float64Array(B * Hkv * S * D);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kh = Math.floor(h / (H / Hkv));
      for (let t = 0; t < T; t++) {
        const qi = ((b * H + h) * T + t) * D;
        const dp: number[] = [];
        for (let j = 0; j < S; j++) {
          let d = 0;
          for (let c = 0; c < D; c++) d += dO[qi + c]! * v[((b * Hkv + kh) * S + j) * D + c]!;
          dp.push(d);
        }
        const pRow = Array.from({ length: S }, (_, j) => probs[((b * H + h) * T + t) * S + j]!);
        const sum = pRow.reduce((acc, p, j) => acc + p * dp[j]!, 0);
        for (let j = 0; j < S; j++) {
          const p = pRow[j]!;
          const ds = p * (dp[j]! - sum) * scale;
          const kj = ((b * Hkv + kh) * S + j) * D;
          for (let c = 0; c < D; c++) {
            dq[qi + c]! += ds * k[kj + c]!;
            dk[kj + c]! += ds * q[qi + c]!;
            dv[kj + c]! += p * dO[qi + c]!;
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}

function sizes(s: AttentionSpec) {
  return { nq: s.B * s.H * s.T * s.D, nk: s.B * s.Hkv * s.S * s.D, nl: s.B * s.H * s.T };
}

const cases: [string, AttentionSpec][] = [
  ['non-causal, T=S=5', { B: 1, H: 2, Hkv: 2, T: 5, S: 5, D: 4, causal: false, scale: 0.5 }],
  [
    'causal across several tiles (T=S=150)',
    { B: 2, H: 2, Hkv: 2, T: 150, S: 150, D: 8, causal: true, scale: 0.35 },
  ],
  ['GQA (H=6, Hkv=2), causal', { B: 1, H: 6, Hkv: 2, T: 40, S: 40, D: 16, causal: true, scale: 0.25 }],
  ['MQA (Hkv=1), non-causal, T≠S', { B: 2, H: 4, Hkv: 1, T: 33, S: 70, D: 5, causal: false, scale: 0.4 }],
  [
    'KV-cache decoding: T=1 after S−1 cached keys',
    { B: 2, H: 4, Hkv: 2, T: 1, S: 97, D: 8, causal: true, scale: 0.35 },
  ],
  [
    'causal with key offset: T=37, S=100',
    { B: 1, H: 2, Hkv: 1, T: 37, S: 100, D: 6, causal: true, scale: 0.4 },
  ],
];

describe('attentionCpu (flash-style) vs naive float64', () => {
  for (const [name, spec] of cases) {
    it(`forward: ${name}`, () => {
      const { nq, nk, nl } = sizes(spec);
      const q = randn32(nq, 1, 2);
      const k = randn32(nk, 2, 2);
      const v = randn32(nk, 3);
      const ref = naiveAttention(q, k, v, spec);
      const o = new Float32Array(nq).fill(Number.NaN);
      const lse = new Float32Array(nl).fill(Number.NaN);
      attentionCpu(q, k, v, o, lse, spec);
      expect(maxAbsDiff(o, ref.o)).toBeLessThan(2e-6);
      expect(maxAbsDiff(lse, ref.lse)).toBeLessThan(2e-5);
    });

    it(`backward: ${name}`, () => {
      const { nq, nk, nl } = sizes(spec);
      const q = randn64(nq, 4, 2);
      const k = randn64(nk, 5, 2);
      const v = randn64(nk, 6);
      const dO = randn64(nq, 7);
      const o = new Float64Array(nq);
      const lse = new Float64Array(nl);
      attentionCpu(q, k, v, o, lse, spec);
      const dq = new Float64Array(nq).fill(Number.NaN);
      const dk = new Float64Array(nk).fill(Number.NaN);
      const dv = new Float64Array(nk).fill(Number.NaN);
      attentionBackwardCpu(q, k, v, o, lse, dO, dq, dk, dv, spec);
      const ref = naiveAttentionBackward(q, k, v, dO, spec);
      const tol = 1e-12 * Math.max(1, maxAbs(ref.dq), maxAbs(ref.dk), maxAbs(ref.dv)) * spec.S;
      expect(maxAbsDiff(dq, ref.dq)).toBeLessThan(tol);
      expect(maxAbsDiff(dk, ref.dk)).toBeLessThan(tol);
      expect(maxAbsDiff(dv, ref.dv)).toBeLessThan(tol);
    });
  }

  it('float32 backward (float32 tiles on the SIMD GEMM) agrees with the float64 reference', () => {
    const spec: AttentionSpec = { B: 1, H: 4, Hkv: 2, T: 100, S: 130, D: 32, causal: true, scale: 0.18 };
    const { nq, nk, nl } = sizes(spec);
    const q = randn32(nq, 21, 2);
    const k = randn32(nk, 22, 2);
    const v = randn32(nk, 23);
    const dO = randn32(nq, 24);
    const o = new Float32Array(nq);
    const lse = new Float32Array(nl);
    attentionCpu(q, k, v, o, lse, spec);
    const dq = new Float32Array(nq).fill(Number.NaN);
    const dk = new Float32Array(nk).fill(Number.NaN);
    const dv = new Float32Array(nk).fill(Number.NaN);
    attentionBackwardCpu(q, k, v, o, lse, dO, dq, dk, dv, spec);
    const ref = naiveAttentionBackward(q, k, v, dO, spec);
    for (const [ours, want] of [
      [dq, ref.dq],
      [dk, ref.dk],
      [dv, ref.dv],
    ] as const) {
      expect(maxAbsDiff(ours, want)).toBeLessThan(2e-5 * Math.max(1, maxAbs(want)));
    }
  });

  it('backward matches float64 finite differences (GQA, causal, offset)', () => {
    const spec: AttentionSpec = { B: 1, H: 4, Hkv: 2, T: 3, S: 5, D: 3, causal: true, scale: 0.6 };
    const { nq, nk, nl } = sizes(spec);
    const q = randn64(nq, 8);
    const k = randn64(nk, 9);
    const v = randn64(nk, 10);
    const dO = randn64(nq, 11);
    const o = new Float64Array(nq);
    const lse = new Float64Array(nl);
    const loss = () => {
      attentionCpu(q, k, v, o, lse, spec);
      return dot(o, dO);
    };
    const nqg = numericGrad(q, loss);
    const nkg = numericGrad(k, loss);
    const nvg = numericGrad(v, loss);
    attentionCpu(q, k, v, o, lse, spec);
    const dq = new Float64Array(nq);
    const dk = new Float64Array(nk);
    const dv = new Float64Array(nk);
    attentionBackwardCpu(q, k, v, o, lse, dO, dq, dk, dv, spec);
    expect(maxAbsDiff(dq, nqg)).toBeLessThan(1e-8);
    expect(maxAbsDiff(dk, nkg)).toBeLessThan(1e-8);
    expect(maxAbsDiff(dv, nvg)).toBeLessThan(1e-8);
  });

  it('a query that sees no key (causal, T > S) gets o = 0, lse = −∞ and no gradient', () => {
    const spec: AttentionSpec = { B: 1, H: 1, Hkv: 1, T: 3, S: 2, D: 2, causal: true, scale: 1 };
    const q = randn64(6, 12);
    const k = randn64(4, 13);
    const v = randn64(4, 14);
    const o = new Float64Array(6);
    const lse = new Float64Array(3);
    attentionCpu(q, k, v, o, lse, spec);
    expect(lse[0]).toBe(Number.NEGATIVE_INFINITY);
    expect([o[0], o[1]]).toEqual([0, 0]);
    // Row 1 sees key 0 only: its output is v row 0.
    expect(o[2]).toBeCloseTo(v[0]!, 12);
    const dq = new Float64Array(6);
    const dk = new Float64Array(4);
    const dv = new Float64Array(4);
    attentionBackwardCpu(q, k, v, o, lse, new Float64Array(6).fill(1), dq, dk, dv, spec);
    expect([dq[0], dq[1]]).toEqual([0, 0]);
    expect(dq.every(Number.isFinite) && dk.every(Number.isFinite) && dv.every(Number.isFinite)).toBe(true);
  });
});
