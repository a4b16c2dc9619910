/**
 * Gradient checking against float64 central differences on the CPU backend.
 *
 * For f(x₁..xₙ) → y we check the scalar L = Σ y ⊙ R (R fixed random weights, so every output element
 * matters): the analytic ∂L/∂xᵢ from backward() must match (L(x + h·eⱼ) − L(x − h·eⱼ)) / 2h for every
 * element j (or a random sample of 40 for large inputs). Everything runs in f64, so h = 1e-6 leaves
 * ~1e-9 of truncation + rounding error.
 */
import { expect } from 'vitest';
import {
  type Backend,
  createCpuBackend,
  noGrad,
  philoxUniform,
  type Tensor,
  tensor,
  tidy,
} from '../src/index.js';

export const cpu: Backend = createCpuBackend({ name: 'cpu-gradcheck' });

/** How to make one input. */
export interface InputSpec {
  shape: number[];
  /** Generates element i (default uniform in [−1, 1)). */
  init?: (i: number, u: number) => number;
  /** false for constants (default true). */
  grad?: boolean;
}

let seedCounter = 1000;

function makeData(spec: InputSpec, seed: number): Float64Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = philoxUniform(seed, 0, i);
    out[i] = spec.init ? spec.init(i, u) : 2 * u - 1;
  }
  return out;
}

/**
 * Checks `f`'s gradients w.r.t. every input with `grad !== false`.
 * Returns the max absolute error seen (for information).
 */
export function gradcheck(
  specs: InputSpec[],
  f: (...xs: Tensor[]) => Tensor,
  options: { rtol?: number; atol?: number; h?: number; samples?: number } = {},
): number {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-7;
  const h = options.h ?? 1e-6;
  const seed = seedCounter++;
  const datas = specs.map((s, k) => makeData(s, seed * 31 + k));
  // fixed random projection of the output
  const probe = tidy(() => noGrad(() => f(...datas.map((d, k) => tensor(d, specs[k]!.shape, 'f64', cpu)))));
  const outShape = [...probe.shape];
  const outSize = probe.size;
  probe.dispose();
  const R = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) R[i] = 2 * philoxUniform(seed, 7, i) - 1;

  const loss = (ds: Float64Array[]): number =>
    tidy(() =>
      noGrad(() => {
        const y = f(...ds.map((d, k) => tensor(d, specs[k]!.shape, 'f64', cpu)));
        const yd = y.dataSync();
        let s = 0;
        for (let i = 0; i < outSize; i++) s += yd[i]! * R[i]!;
        return s;
      }),
    );

  // analytic
  const analytic = tidy(() => {
    const xs = datas.map((d, k) => {
      const t = tensor(d, specs[k]!.shape, 'f64', cpu);
      return specs[k]!.grad === false ? t : t.requireGrad();
    });
    const y = f(...xs);
    const r = tensor(R, outShape, 'f64', cpu);
    y.mul(r).sum().backward();
    return xs.map((x) => (x.grad ? Float64Array.from(x.grad.dataSync()) : null));
  });

  let maxErr = 0;
  specs.forEach((spec, k) => {
    if (spec.grad === false) return;
    const a = analytic[k];
    expect(a, `input ${k} got no gradient`).not.toBeNull();
    const d = datas[k]!;
    const n = d.length;
    const samples = options.samples ?? 40;
    const idx =
      n <= samples
        ? [...Array(n).keys()]
        : Array.from({ length: samples }, (_, j) => Math.floor(philoxUniform(seed, 99 + k, j) * n));
    for (const i of idx) {
      const orig = d[i]!;
      d[i] = orig + h;
      const lp = loss(datas);
      d[i] = orig - h;
      const lm = loss(datas);
      d[i] = orig;
      const num = (lp - lm) / (2 * h);
      const got = a![i]!;
      const err = Math.abs(got - num);
      maxErr = Math.max(maxErr, err);
      if (err > atol + rtol * Math.abs(num)) {
        expect.fail(`input ${k} element ${i}: analytic ${got}, numeric ${num} (err ${err})`);
      }
    }
  });
  return maxErr;
}

/** Uniform in [lo, hi). */
export const uniformIn =
  (lo: number, hi: number) =>
  (_i: number, u: number): number =>
    lo + (hi - lo) * u;

/** Values away from 0 (|x| in [0.2, 1)), random sign: safe for relu/abs kinks. */
export const awayFromZero = (_i: number, u: number): number => {
  const s = u < 0.5 ? -1 : 1;
  const m = u < 0.5 ? u * 2 : (u - 0.5) * 2;
  return s * (0.2 + 0.8 * m);
};

/** Distinct values (a permutation-based ramp plus noise): safe for max/min. */
export const distinct = (i: number, u: number): number => ((i * 7919) % 101) / 50 - 1 + u * 1e-3;
