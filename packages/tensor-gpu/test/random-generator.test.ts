import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/errors.js';
import { philoxNormal, philoxUniform } from '../src/random/philox.js';
import { RandomGenerator } from '../src/random/random-generator.js';

describe('RandomGenerator', () => {
  it('walks the Philox counter stream: uniformArray(n) = philoxUniform at the offset, offset += ceil(n/4)', () => {
    const g = new RandomGenerator(7);
    g.uniform(); // block 0
    expect(g.offset).toBe(1);
    const xs = g.uniformArray(10, -1, 1); // blocks 1..3
    expect(g.getState()).toEqual({ seed: 7, offset: 4 });
    for (let i = 0; i < 10; i++) expect(xs[i]).toBeCloseTo(-1 + 2 * philoxUniform(7, 1, i), 6);
    const zs = g.normalArray(5, 2, 3); // blocks 4..6
    expect(g.offset).toBe(7);
    for (let i = 0; i < 5; i++) expect(zs[i]).toBeCloseTo(2 + 3 * philoxNormal(7, 4, i), 5);
  });

  it('getState/setState replays exactly; the state is plain JSON', () => {
    const g = new RandomGenerator(123456789012);
    g.normalArray(33);
    const saved = JSON.parse(JSON.stringify(g.getState()));
    const a = [g.uniform(), g.normal(), g.int(1000), ...g.uniformArray(7), ...g.permutation(20)];
    g.setState(saved);
    const b = [g.uniform(), g.normal(), g.int(1000), ...g.uniformArray(7), ...g.permutation(20)];
    expect(b).toEqual(a);
    const h = RandomGenerator.fromState(saved);
    expect(h.uniform()).toBe(a[0]);
    expect(() => g.setState({ seed: 1, offset: 0 })).toThrow(
      /RandomGenerator.setState: expected seed 123456789012/,
    );
  });

  it('different seeds give different streams; fork gives an independent reproducible one', () => {
    expect(new RandomGenerator(1).uniformArray(8)).not.toEqual(new RandomGenerator(2).uniformArray(8));
    const f1 = new RandomGenerator(5).fork();
    const f2 = new RandomGenerator(5).fork();
    expect(f1.seed).toBe(f2.seed);
    expect(f1.seed).not.toBe(5);
    expect(f1.uniformArray(4)).toEqual(f2.uniformArray(4));
  });

  it('uniforms and normals have the right moments; int(n) is uniform (chi-square)', () => {
    const g = new RandomGenerator(2024);
    const n = 200_000;
    const u = g.uniformArray(n);
    const z = g.normalArray(n);
    let su = 0;
    let sz = 0;
    let sz2 = 0;
    let minU = 1;
    let maxU = 0;
    for (let i = 0; i < n; i++) {
      maxU = Math.max(maxU, u[i]!);
      su += u[i]!;
      sz += z[i]!;
      sz2 += z[i]! * z[i]!;
      minU = Math.min(minU, u[i]!);
    }
    expect(minU).toBeGreaterThanOrEqual(0);
    expect(maxU).toBeLessThan(1);
    // 5-sigma bounds: mean of U(0,1) has sd 0.289/sqrt(n); of N(0,1) 1/sqrt(n); var of N has sd sqrt(2/n).
    expect(Math.abs(su / n - 0.5)).toBeLessThan((5 * 0.2887) / Math.sqrt(n));
    expect(Math.abs(sz / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sz2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    // int(10): chi-square with 9 degrees of freedom; 27.9 is the 0.999 quantile.
    const counts = new Array(10).fill(0);
    const draws = 50_000;
    for (let i = 0; i < draws; i++) counts[g.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - draws / 10) ** 2 / (draws / 10), 0);
    expect(chi2).toBeLessThan(27.9);
    // large n (53-bit path) stays in range
    for (let i = 0; i < 100; i++) {
      const v = g.int(2 ** 40 + 3);
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 40 + 3).toBe(true);
    }
  });

  it('shuffle is a permutation', () => {
    const g = new RandomGenerator(3);
    const p = g.permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('rejects bad seeds and ranges with ArgumentError', () => {
    for (const fn of [
      () => new RandomGenerator(-1),
      () => new RandomGenerator(1.5),
      () => new RandomGenerator(0, -3),
      () => new RandomGenerator(0).int(0),
    ]) {
      expect(() => fn()).toThrow();
      try {
        fn();
      } catch (e) {
        expect(ArgumentError.isInstance(e)).toBe(true);
      }
    }
  });
});
