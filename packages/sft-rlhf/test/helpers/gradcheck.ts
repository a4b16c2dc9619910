/**
 * Gradients against float64 central differences on the CPU backend: for f(x₁..xₙ) → y, the scalar
 * L = Σ y ⊙ R (R fixed random weights) is differentiated by backward() and by
 * (L(x + h·eⱼ) − L(x − h·eⱼ)) / 2h for every element j of every differentiable input.
 */
import {
  type Backend,
  createCpuBackend,
  noGrad,
  philoxUniform,
  type Tensor,
  tensor,
  tidy,
} from '@llmforge/tensor-gpu';
import { expect } from 'vitest';

export const cpu: Backend = createCpuBackend({ name: 'sft-rlhf-gradcheck' });

/** An f64 tensor on the gradcheck backend. */
export const f64 = (data: readonly number[] | Float64Array, shape: readonly number[]): Tensor =>
  tensor(Float64Array.from(data), shape, 'f64', cpu);

/** One input: its values, shape, and whether it is differentiated (default true). */
export interface GradInput {
  data: readonly number[];
  shape: readonly number[];
  grad?: boolean;
}

/** Checks analytic against numeric gradients; returns the largest absolute error. */
export function gradcheck(
  inputs: GradInput[],
  f: (...xs: Tensor[]) => Tensor,
  options: { h?: number; rtol?: number; atol?: number } = {},
): number {
  const h = options.h ?? 1e-6;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  const datas = inputs.map((i) => Float64Array.from(i.data));
  const probe = tidy(() => noGrad(() => f(...datas.map((d, k) => f64(d, inputs[k]!.shape)))));
  const outShape = [...probe.shape];
  const R = Float64Array.from({ length: probe.size }, (_, i) => 2 * philoxUniform(77, 0, i) - 1);
  probe.dispose();
  const scalar = (ds: Float64Array[]): number =>
    tidy(() =>
      noGrad(() => {
        const y = f(...ds.map((d, k) => f64(d, inputs[k]!.shape))).dataSync();
        let s = 0;
        for (let i = 0; i < R.length; i++) s += y[i]! * R[i]!;
        return s;
      }),
    );
  const analytic = tidy(() => {
    const xs = datas.map((d, k) => {
      const t = f64(d, inputs[k]!.shape);
      return inputs[k]!.grad === false ? t : t.requireGrad();
    });
    f(...xs)
      .mul(f64(R, outShape))
      .sum()
      .backward();
    return xs.map((x) => (x.grad ? Float64Array.from(x.grad.dataSync()) : null));
  });
  let maxErr = 0;
  inputs.forEach((input, k) => {
    if (input.grad === false) return;
    const a = analytic[k];
    expect(a, `input ${k} got no gradient`).not.toBeNull();
    const d = datas[k]!;
    for (let j = 0; j < d.length; j++) {
      const orig = d[j]!;
      d[j] = orig + h;
      const up = scalar(datas);
      d[j] = orig - h;
      const down = scalar(datas);
      d[j] = orig;
      const numeric = (up - down) / (2 * h);
      const err = Math.abs(a![j]! - numeric);
      maxErr = Math.max(maxErr, err);
      if (err > atol + rtol * Math.abs(numeric)) {
        expect.fail(`input ${k} element ${j}: analytic ${a![j]}, numeric ${numeric}`);
      }
    }
  });
  return maxErr;
}

/** The values of a tensor as a plain array. */
export const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** Element by element, `got[i]` is within 10^−digits / 2 of `want[i]` (and the lengths match). */
export function expectClose(got: ArrayLike<number>, want: readonly number[], digits: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i], `element ${i}`).toBeCloseTo(want[i]!, digits);
}
