import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GemmArgs, type GemmImplementation, gemm } from '../src/cpu/kernels/gemm/gemm.js';
import { wasmGemmAvailable } from '../src/cpu/kernels/gemm/wasm-gemm.js';
import { gemmSkinny } from '../src/cpu/kernels/gemm/wasm-skinny.js';
import { matmulCpu, matmulDims } from '../src/cpu/kernels/matmul.js';
import { maxAbs, maxAbsDiff, randn32, randn64 } from './cpu-kernels-helpers.js';

/** The GEMM implementation the matmulCpu calls below run on (set per describe block). */
let current: GemmImplementation = 'auto';
const run = (g: GemmArgs): void => gemm(g, current);

/** Naive float64 reference: batched op(A)·op(B) with broadcast batch dims, by index arithmetic. */
function naiveMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aShape: number[],
  bShape: number[],
  transA: boolean,
  transB: boolean,
): { out: Float64Array; shape: number[] } {
  const ar = aShape.length;
  const br = bShape.length;
  const m = transA ? aShape[ar - 1]! : aShape[ar - 2]!;
  const k = transA ? aShape[ar - 2]! : aShape[ar - 1]!;
  const n = transB ? bShape[br - 2]! : bShape[br - 1]!;
  const ba = aShape.slice(0, -2);
  const bb = bShape.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const pa = [...Array(rank - ba.length).fill(1), ...ba];
  const pb = [...Array(rank - bb.length).fill(1), ...bb];
  const batch = pa.map((x, i) => Math.max(x, pb[i]!));
  const total = batch.reduce((x, y) => x * y, 1);
  const out = new Float64Array(total * m * n);
  for (let idx = 0; idx < total; idx++) {
    // Unravel idx over batch, then ravel over each operand's (broadcast) batch shape.
    let rest = idx;
    const coords: number[] = [];
    for (let d = rank - 1; d >= 0; d--) {
      coords[d] = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
    }
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * pa[d]! + (pa[d] === 1 ? 0 : coords[d]!);
      ib = ib * pb[d]! + (pb[d] === 1 ? 0 : coords[d]!);
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = transA ? a[ia * m * k + p * m + i]! : a[ia * m * k + i * k + p]!;
          const bv = transB ? b[ib * k * n + j * k + p]! : b[ib * k * n + p * n + j]!;
          s += av * bv;
        }
        out[idx * m * n + i * n + j] = s;
      }
    }
  }
  return { out, shape: [...batch, m, n] };
}

function check(aShape: number[], bShape: number[], transA: boolean, transB: boolean, seed: number) {
  const na = aShape.reduce((x, y) => x * y, 1);
  const nb = bShape.reduce((x, y) => x * y, 1);
  const a = randn32(na, seed);
  const b = randn32(nb, seed + 1);
  const ref = naiveMatmul(a, b, aShape, bShape, transA, transB);
  const { batch, m, n } = matmulDims({ aShape, bShape, transA, transB });
  expect([...batch, m, n]).toEqual(ref.shape);
  const out = new Float32Array(ref.out.length).fill(Number.NaN); // NaN proves every entry is written
  matmulCpu(a, b, out, { aShape, bShape, transA, transB }, false, run);
  const k = transA ? aShape.at(-2)! : aShape.at(-1)!;
  // float32 storage of the result: error grows like sqrt(k)·eps32 relative to the magnitude.
  expect(maxAbsDiff(out, ref.out)).toBeLessThan(1e-6 * Math.max(1, maxAbs(ref.out)) * Math.sqrt(k + 1) * 4);
}

it('the WebAssembly SIMD kernels compile on this runtime and take f32 operands only', () => {
  expect(wasmGemmAvailable()).toBe(true);
  const args = (a: Float32Array | Float64Array) => ({
    m: 1,
    n: 3,
    k: 2,
    a,
    aOffset: 0,
    aRowStride: 2,
    aColStride: 1,
    b: new Float32Array([1, 2, 3, 4, 5, 6]),
    bOffset: 0,
    bRowStride: 3,
    bColStride: 1,
    c: new Float32Array(3),
    cOffset: 0,
    ldc: 3,
  });
  const f32 = args(new Float32Array([1, 2]));
  expect(gemmSkinny(f32)).toBe(true);
  expect([...f32.c]).toEqual([9, 12, 15]);
  expect(gemmSkinny(args(new Float64Array([1, 2])))).toBe(false);
});

// Every case runs on the TypeScript kernel, the wasm SIMD kernel, and the default dispatch.
for (const impl of ['ts', 'wasm', 'auto'] as GemmImplementation[])
  describe(`matmulCpu [${impl}] vs naive float64`, () => {
    beforeAll(() => {
      current = impl;
    });
    afterAll(() => {
      current = 'auto';
    });
    it('1×1 @ 1×1', () => {
      const out = new Float32Array(1);
      matmulCpu(
        new Float32Array([3]),
        new Float32Array([-2]),
        out,
        { aShape: [1, 1], bShape: [1, 1] },
        false,
        run,
      );
      expect(out[0]).toBe(-6);
    });

    for (const [m, k, n] of [
      [17, 33, 65],
      [1, 70, 9],
      [9, 70, 1],
      [64, 64, 64],
      [130, 300, 97],
      [5, 1, 7],
      [3, 200, 2500], // skinny: the streaming wasm kernel, across two column chunks
      [1, 768, 300],
    ] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`${m}×${k} @ ${k}×${n} transA=${transA} transB=${transB}`, () => {
            const aShape = transA ? [k, m] : [m, k];
            const bShape = transB ? [n, k] : [k, n];
            check(aShape, bShape, transA, transB, m * 1000 + k + n);
          });
        }
      }
    }

    it('broadcasts batch dims: (2,1,5,7) @ (3,7,4) → (2,3,5,4)', () => {
      check([2, 1, 5, 7], [3, 7, 4], false, false, 7);
    });

    it('broadcasts a weight matrix over a batch: (3,4,40,33) @ (33,21), folded into one GEMM', () => {
      check([3, 4, 40, 33], [33, 21], false, false, 8);
    });

    it('broadcasts with transposes on both sides: (4,1,20,30)ᵀ @ (1,3,50,20)ᵀ', () => {
      check([4, 1, 20, 30], [1, 3, 50, 20], true, true, 9);
    });

    it('batched A broadcast against batched B: (1,33,17) @ (5,17,70)', () => {
      check([1, 33, 17], [5, 17, 70], false, false, 10);
    });

    it('accumulates into C when asked, and overwrites otherwise', () => {
      const a = randn32(40 * 50, 1);
      const b = randn32(50 * 30, 2);
      const ref = naiveMatmul(a, b, [40, 50], [50, 30], false, false).out;
      const out = new Float32Array(40 * 30).fill(1);
      matmulCpu(a, b, out, { aShape: [40, 50], bShape: [50, 30] }, true, run);
      expect(
        maxAbsDiff(
          out,
          ref.map((x) => x + 1),
        ),
      ).toBeLessThan(1e-4);
      matmulCpu(a, b, out, { aShape: [40, 50], bShape: [50, 30] }, false, run);
      expect(maxAbsDiff(out, ref)).toBeLessThan(1e-4);
    });

    it('computes in float64 for f64 arrays (gradcheck precision)', () => {
      const a = randn64(37 * 300, 3);
      const b = randn64(300 * 45, 4);
      const ref = naiveMatmul(a, b, [37, 300], [300, 45], false, false).out;
      const out = new Float64Array(37 * 45);
      matmulCpu(a, b, out, { aShape: [37, 300], bShape: [300, 45] }, false, run);
      expect(maxAbsDiff(out, ref)).toBeLessThan(1e-12);
    });

    it('k = 0 gives zeros; empty m or n writes nothing', () => {
      const out = new Float32Array(6).fill(5);
      matmulCpu(
        new Float32Array(0),
        new Float32Array(0),
        out,
        { aShape: [2, 0], bShape: [0, 3] },
        false,
        run,
      );
      expect([...out]).toEqual([0, 0, 0, 0, 0, 0]);
      const none = new Float32Array(0);
      matmulCpu(new Float32Array(0), randn32(12, 1), none, { aShape: [0, 4], bShape: [4, 3] }, false, run);
      expect(none.length).toBe(0);
    });

    it('gemm writes into a strided C block and leaves the rest alone', () => {
      // C is (6, 10); write the (4, 5) block at row 1, column 2.
      const a = randn32(4 * 33, 5);
      const b = randn32(33 * 5, 6);
      const c = new Float32Array(60).fill(-7);
      gemm({
        m: 4,
        n: 5,
        k: 33,
        a,
        aOffset: 0,
        aRowStride: 33,
        aColStride: 1,
        b,
        bOffset: 0,
        bRowStride: 5,
        bColStride: 1,
        c,
        cOffset: 12,
        ldc: 10,
      });
      const ref = naiveMatmul(a, b, [4, 33], [33, 5], false, false).out;
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 10; j++) {
          const v = c[i * 10 + j]!;
          if (i >= 1 && i < 5 && j >= 2 && j < 7) expect(v).toBeCloseTo(ref[(i - 1) * 5 + (j - 2)]!, 4);
          else expect(v).toBe(-7);
        }
      }
    });
  });
