import { describe, expect, it } from 'vitest';
import { layerNormBackwardCpu, layerNormCpu } from '../src/cpu/kernels/layer-norm.js';
import { rmsNormBackwardCpu, rmsNormCpu } from '../src/cpu/kernels/rms-norm.js';
import { softmaxBackwardCpu, softmaxCpu } from '../src/cpu/kernels/softmax.js';
import { dot, maxAbsDiff, numericGrad, randn32, randn64 } from './cpu-kernels-helpers.js';

describe('softmaxCpu / logSoftmax', () => {
  it('matches the textbook formula in float64, and log-softmax matches log(softmax)', () => {
    const rows = 7;
    const cols = 13;
    const x = randn64(rows * cols, 1, 5);
    const ref = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let j = 0; j < cols; j++) z += Math.exp(x[r * cols + j]!);
      for (let j = 0; j < cols; j++) ref[r * cols + j] = Math.exp(x[r * cols + j]!) / z;
    }
    const y = new Float64Array(rows * cols);
    softmaxCpu(x, y, rows, cols);
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-15);
    const ly = new Float64Array(rows * cols);
    softmaxCpu(x, ly, rows, cols, true);
    expect(maxAbsDiff(ly, ref.map(Math.log))).toBeLessThan(1e-13);
  });

  it('does not overflow on huge logits, and gives 0 / −∞ on a fully masked row', () => {
    const x = new Float32Array([1000, 1001, Number.NEGATIVE_INFINITY, -Infinity, -Infinity, -Infinity]);
    const y = new Float32Array(6);
    softmaxCpu(x, y, 2, 3);
    expect(y[0]).toBeCloseTo(1 / (1 + Math.E), 6);
    expect(y[1]).toBeCloseTo(Math.E / (1 + Math.E), 6);
    expect(y[2]).toBe(0);
    expect([...y.subarray(3)]).toEqual([0, 0, 0]);
    softmaxCpu(x, y, 2, 3, true);
    expect(y[3]).toBe(Number.NEGATIVE_INFINITY);
  });

  for (const log of [false, true]) {
    it(`backward (log=${log}) matches float64 finite differences`, () => {
      const rows = 3;
      const cols = 6;
      const x = randn64(rows * cols, 2, 2);
      const dy = randn64(rows * cols, 3);
      const y = new Float64Array(rows * cols);
      const loss = () => {
        softmaxCpu(x, y, rows, cols, log);
        return dot(y, dy);
      };
      const num = numericGrad(x, loss);
      softmaxCpu(x, y, rows, cols, log);
      const dx = new Float64Array(rows * cols);
      softmaxBackwardCpu(y, dy, dx, rows, cols, log);
      expect(maxAbsDiff(dx, num)).toBeLessThan(1e-8);
    });
  }
});

describe('layerNormCpu', () => {
  const rows = 5;
  const C = 12;
  const eps = 1e-5;

  it('forward matches torch.nn.LayerNorm semantics (biased variance) in float64', () => {
    const x = randn64(rows * C, 4, 3).map((v, i) => v + (i % 3)); // non-zero row means
    const w = randn64(C, 5);
    const b = randn64(C, 6);
    const y = new Float64Array(rows * C);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    layerNormCpu(x, w, b, y, mean, rstd, rows, C, eps);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * C, (r + 1) * C);
      const mu = row.reduce((s, v) => s + v, 0) / C;
      const variance = row.reduce((s, v) => s + (v - mu) ** 2, 0) / C;
      expect(mean[r]).toBeCloseTo(mu, 12);
      expect(rstd[r]).toBeCloseTo(1 / Math.sqrt(variance + eps), 10);
      for (let j = 0; j < C; j++) {
        const ref = ((row[j]! - mu) / Math.sqrt(variance + eps)) * w[j]! + b[j]!;
        expect(y[r * C + j]).toBeCloseTo(ref, 12);
      }
    }
  });

  it('backward (dx, dw, db) matches float64 finite differences', () => {
    const x = randn64(rows * C, 7, 2);
    const w = randn64(C, 8);
    const b = randn64(C, 9);
    const dy = randn64(rows * C, 10);
    const y = new Float64Array(rows * C);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    const loss = () => {
      layerNormCpu(x, w, b, y, mean, rstd, rows, C, eps);
      return dot(y, dy);
    };
    const nx = numericGrad(x, loss);
    const nw = numericGrad(w, loss);
    const nb = numericGrad(b, loss);
    layerNormCpu(x, w, b, y, mean, rstd, rows, C, eps);
    const dx = new Float64Array(rows * C);
    const dw = new Float64Array(C);
    const db = new Float64Array(C);
    layerNormBackwardCpu(dy, x, w, mean, rstd, dx, dw, db, rows, C);
    expect(maxAbsDiff(dx, nx)).toBeLessThan(1e-7);
    expect(maxAbsDiff(dw, nw)).toBeLessThan(1e-7);
    expect(maxAbsDiff(db, nb)).toBeLessThan(1e-7);
    // accumulate adds to what is there (gradients add up across calls)
    layerNormBackwardCpu(dy, x, w, mean, rstd, dx, dw, db, rows, C, true);
    expect(
      maxAbsDiff(
        dw,
        nw.map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-7);
  });

  it('works without affine parameters and with float32 storage', () => {
    const x = randn32(rows * C, 11);
    const y = new Float32Array(rows * C);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    layerNormCpu(x, null, null, y, mean, rstd, rows, C, eps);
    for (let r = 0; r < rows; r++) {
      const row = y.subarray(r * C, (r + 1) * C);
      expect(row.reduce((s, v) => s + v, 0) / C).toBeCloseTo(0, 5);
      expect(row.reduce((s, v) => s + v * v, 0) / C).toBeCloseTo(1, 3);
    }
    const dx = new Float32Array(rows * C);
    layerNormBackwardCpu(randn32(rows * C, 12), x, null, mean, rstd, dx, null, null, rows, C);
    // dx of a normalised row is orthogonal to the all-ones vector (shifting x changes nothing)
    for (let r = 0; r < rows; r++) {
      expect(dx.subarray(r * C, (r + 1) * C).reduce((s, v) => s + v, 0)).toBeCloseTo(0, 5);
    }
  });
});

describe('rmsNormCpu', () => {
  const rows = 4;
  const C = 10;
  const eps = 1e-6;

  it('forward matches Llama RMSNorm in float64', () => {
    const x = randn64(rows * C, 13, 3);
    const w = randn64(C, 14);
    const y = new Float64Array(rows * C);
    const rstd = new Float64Array(rows);
    rmsNormCpu(x, w, y, rstd, rows, C, eps);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * C, (r + 1) * C);
      const rs = 1 / Math.sqrt(row.reduce((s, v) => s + v * v, 0) / C + eps);
      expect(rstd[r]).toBeCloseTo(rs, 12);
      for (let j = 0; j < C; j++) expect(y[r * C + j]).toBeCloseTo(row[j]! * rs * w[j]!, 12);
    }
  });

  it('backward (dx, dw) matches float64 finite differences', () => {
    const x = randn64(rows * C, 15, 2);
    const w = randn64(C, 16);
    const dy = randn64(rows * C, 17);
    const y = new Float64Array(rows * C);
    const rstd = new Float64Array(rows);
    const loss = () => {
      rmsNormCpu(x, w, y, rstd, rows, C, eps);
      return dot(y, dy);
    };
    const nx = numericGrad(x, loss);
    const nw = numericGrad(w, loss);
    rmsNormCpu(x, w, y, rstd, rows, C, eps);
    const dx = new Float64Array(rows * C);
    const dw = new Float64Array(C);
    rmsNormBackwardCpu(dy, x, w, rstd, dx, dw, rows, C);
    expect(maxAbsDiff(dx, nx)).toBeLessThan(1e-7);
    expect(maxAbsDiff(dw, nw)).toBeLessThan(1e-7);
  });
});
