import { existsSync, readFileSync } from 'node:fs';
import { decodeSafetensors } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { pca2 } from '../src/engine/pca.js';
import { BUNDLED, maxAbsDiff } from './helpers.js';

// numpy's SVD on the same data (test/fixtures/make_pca_fixture.py)
const reference = JSON.parse(readFileSync(new URL('./fixtures/pca-numpy.json', import.meta.url), 'utf8'));

describe('pca2', () => {
  it('finds the axes of the worked example exactly', () => {
    const r = pca2(Float64Array.from([-2, 0, 0, 1, 2, 0, 0, -1]), 4, 2);
    expect(maxAbsDiff(r.points, [-2, 0, 0, 1, 2, 0, 0, -1])).toBeLessThan(1e-12);
    expect(r.explained[0]).toBeCloseTo(0.8, 12);
    expect(r.explained[1]).toBeCloseTo(0.2, 12);
    expect(r.variances[0]).toBeCloseTo(8 / 3, 12);
  });

  it('equals numpy on a correlated 300 × 12 matrix (projections, explained variance, signs)', () => {
    const c = reference.synthetic;
    const r = pca2(Float64Array.from(c.data), c.n, c.d);
    expect(maxAbsDiff(r.points, c.points)).toBeLessThan(1e-8);
    expect(maxAbsDiff(r.explained, c.explained)).toBeLessThan(1e-12);
  });

  it.skipIf(!existsSync(`${BUNDLED}/model.safetensors`))(
    "equals numpy on the bundled model's token embeddings (1024 × 96)",
    () => {
      const c = reference['austen-tiny'];
      const wte = decodeSafetensors(readFileSync(`${BUNDLED}/model.safetensors`)).get(c.tensor)!;
      const r = pca2(wte.data as Float32Array, wte.shape[0]!, wte.shape[1]!);
      expect(maxAbsDiff(r.explained, c.explained)).toBeLessThan(1e-9);
      expect(maxAbsDiff(r.points.subarray(0, 128), c.first64)).toBeLessThan(1e-6);
    },
  );
});
