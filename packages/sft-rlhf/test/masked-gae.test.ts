import { describe, expect, it } from 'vitest';
import {
  gae,
  gaeArrays,
  LossInputError,
  maskedMean,
  maskedSum,
  maskedVar,
  maskedWhiten,
  TaskRandom,
} from '../src/index.js';
import { cpu, expectClose, f64, gradcheck, values } from './helpers/gradcheck.js';

describe('masked statistics', () => {
  const x = f64([1, 2, 9, 4, 9, 9], [2, 3]);
  const mask = f64([1, 1, 0, 1, 0, 0], [2, 3]);

  it('sum, mean and unbiased variance over the masked elements (hand-computed)', () => {
    expect(values(maskedSum(x, mask))).toEqual([7]);
    expect(values(maskedSum(x, mask, 1))).toEqual([3, 4]);
    expect(values(maskedMean(x, mask))[0]).toBeCloseTo(7 / 3, 14);
    expect(values(maskedMean(x, mask, 1))).toEqual([1.5, 4]);
    // (1, 2, 4): deviations from 7/3 are −4/3, −1/3, 5/3; squares sum to 42/9; ÷ (3 − 1) = 7/3
    expect(values(maskedVar(x, mask))[0]).toBeCloseTo(7 / 3, 14);
    expect(values(maskedVar(x, mask, { unbiased: false }))[0]).toBeCloseTo(14 / 9, 14);
  });

  it('gives 0, not NaN, for an empty mask, and 0 variance for one element', () => {
    const none = f64([0, 0, 0, 0, 0, 0], [2, 3]);
    expect(values(maskedMean(x, none))).toEqual([0]);
    expect(values(maskedMean(x, f64([0, 0, 0, 1, 0, 0], [2, 3]), 1))).toEqual([0, 4]);
    expect(values(maskedVar(x, none))).toEqual([0]);
    expect(values(maskedVar(x, f64([0, 1, 0, 0, 0, 0], [2, 3])))).toEqual([0]);
    expect(values(maskedWhiten(x, none))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('whitens to mean 0 and unit variance on the mask, 0 elsewhere', () => {
    const w = values(maskedWhiten(f64([1, 2, 3, 100], [4]), f64([1, 1, 1, 0], [4])));
    expectClose(w, [-1, 0, 1, 0], 7);
    const kept = values(maskedWhiten(f64([1, 2, 3, 100], [4]), f64([1, 1, 1, 0], [4]), { shiftMean: false }));
    expectClose(kept, [1, 2, 3, 0], 7);
  });

  it('has correct gradients (finite differences)', () => {
    const m = { data: [1, 0, 1, 1, 1, 0], shape: [2, 3], grad: false };
    const xs = { data: [0.3, -1.2, 2.5, 0.7, -0.4, 1.9], shape: [2, 3] };
    gradcheck([xs, m], (a, b) => maskedMean(a!, b!, 1));
    gradcheck([xs, m], (a, b) => maskedVar(a!, b!));
    gradcheck([xs, m], (a, b) => maskedWhiten(a!, b!));
  });

  it('names mismatched shapes', () => {
    expect(() => maskedMean(x, f64([1, 1], [2]))).toThrow(LossInputError);
    expect(() => maskedMean(x, f64([1, 1], [2]))).toThrow(
      /maskedMean: mask: expected the shape of x \(2, 3\), found \(2\)/,
    );
  });
});

/** Σ_l (γλ)^l δ_{t+l} with δ_t = r_t + γ V_{t+1} − V_t, written out (no recursion). */
function gaeByDefinition(r: number[], v: number[], gamma: number, lambda: number): number[] {
  const T = r.length;
  const delta = r.map((rt, t) => rt + gamma * (t + 1 < T ? v[t + 1]! : 0) - v[t]!);
  return delta.map((_, t) => {
    let a = 0;
    for (let l = 0; t + l < T; l++) a += (gamma * lambda) ** l * delta[t + l]!;
    return a;
  });
}

describe('GAE', () => {
  it('worked example: rewards [0, 0, 1], values 0.5, γ = 1, λ = 0.95', () => {
    // δ = [0, 0, 0.5]; A₂ = 0.5, A₁ = 0.95·0.5 = 0.475, A₀ = 0.95·0.475 = 0.45125
    const { advantages, returns } = gaeArrays([0, 0, 1], [0.5, 0.5, 0.5], [1, 1, 1], 1, 3, {
      gamma: 1,
      lambda: 0.95,
    });
    expectClose(advantages, [0.45125, 0.475, 0.5], 14);
    expectClose(returns, [0.95125, 0.975, 1], 14);
  });

  it('closed forms: λ = 1 is the discounted return minus V; λ = 0 is the TD error', () => {
    const rng = new TaskRandom(3, 'gae');
    const T = 7;
    const r = Array.from({ length: T }, () => rng.next() * 2 - 1);
    const v = Array.from({ length: T }, () => rng.next() * 2 - 1);
    const gamma = 0.9;
    const mc = gaeArrays(r, v, new Array(T).fill(1), 1, T, { gamma, lambda: 1 });
    for (let t = 0; t < T; t++) {
      let g = 0;
      for (let k = t; k < T; k++) g += gamma ** (k - t) * r[k]!;
      expect(mc.advantages[t]).toBeCloseTo(g - v[t]!, 12);
      expect(mc.returns[t]).toBeCloseTo(g, 12);
    }
    const td = gaeArrays(r, v, new Array(T).fill(1), 1, T, { gamma, lambda: 0 });
    for (let t = 0; t < T; t++)
      expect(td.advantages[t]).toBeCloseTo(r[t]! + gamma * (v[t + 1] ?? 0) - v[t]!, 12);
    const mid = gaeArrays(r, v, new Array(T).fill(1), 1, T, { gamma, lambda: 0.7 });
    expectClose(mid.advantages, gaeByDefinition(r, v, gamma, 0.7), 12);
  });

  it('ends the episode at trailing padding and steps over holes (spliced tool tokens)', () => {
    const r = [0.1, -0.2, 1, 9, 9];
    const v = [0.3, 0.4, 0.2, 9, 9];
    const padded = gaeArrays(r, v, [1, 1, 1, 0, 0], 1, 5, { gamma: 0.9, lambda: 0.8 });
    const alone = gaeByDefinition(r.slice(0, 3), v.slice(0, 3), 0.9, 0.8);
    expectClose(padded.advantages.slice(0, 3), alone, 12);
    expect([padded.advantages[3], padded.advantages[4], padded.returns[4]]).toEqual([0, 0, 0]);
    // a hole at position 1: the same as the sequence of positions 0, 2
    const holed = gaeArrays(r.slice(0, 3), v.slice(0, 3), [1, 0, 1], 1, 3, { gamma: 0.9, lambda: 0.8 });
    const compressed = gaeByDefinition([r[0]!, r[2]!], [v[0]!, v[2]!], 0.9, 0.8);
    expect(holed.advantages[0]).toBeCloseTo(compressed[0]!, 12);
    expect(holed.advantages[2]).toBeCloseTo(compressed[1]!, 12);
    expect(holed.advantages[1]).toBe(0);
  });

  it('runs row by row on (B, T) tensors', async () => {
    const rewards = f64([0, 0, 1, 0, 1, 0], [2, 3]);
    const valuesT = f64([0.5, 0.5, 0.5, 0.1, 0.2, 0.3], [2, 3]);
    const mask = f64([1, 1, 1, 1, 1, 0], [2, 3]);
    const out = await gae(rewards, valuesT, mask, { gamma: 1, lambda: 0.95 });
    expect(out.advantages.shape).toEqual([2, 3]);
    expect(out.advantages.backend).toBe(cpu);
    const want = gaeArrays([0, 0, 1, 0, 1, 0], [0.5, 0.5, 0.5, 0.1, 0.2, 0.3], [1, 1, 1, 1, 1, 0], 2, 3, {
      gamma: 1,
      lambda: 0.95,
    });
    expect(values(out.advantages)).toEqual(Array.from(want.advantages));
    expect(values(out.returns)).toEqual(Array.from(want.returns));
    // row 1: δ = [0 + 0.2 − 0.1, 1 + 0 − 0.2] = [0.1, 0.8]; A = [0.1 + 0.95·0.8, 0.8]
    expect(want.advantages[3]).toBeCloseTo(0.86, 14);
    await expect(gae(rewards, valuesT, f64([1], [1]))).rejects.toThrow(
      /gae: mask: expected the shape of values/,
    );
    expect(() => gaeArrays([0], [0], [1], 1, 1, { gamma: 1.5 })).toThrow(/gamma and lambda in \[0, 1\]/);
  });
});
