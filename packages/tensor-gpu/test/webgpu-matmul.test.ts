/**
 * Every variant of the WebGPU matmul kernels (block 64/128, K-slab 8/16, double buffering, vec4
 * loads, grouped block order, all four transposes, aligned and ragged shapes) against a float64 product on the host.
 * The op-level test in webgpu-kernels.test.ts only reaches the variants its shapes select.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceTensor } from '../src/backend/backend.js';
import type { GpuStorage } from '../src/webgpu/kernel-context.js';
import { encodeMatmul } from '../src/webgpu/kernels/matmul.js';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { openWebGPU, seeded } from './webgpu-helpers.js';

const gpu = await openWebGPU();
afterAll(() => gpu.backend?.dispose());
/** The backend: only the suites skipped without an adapter use it. */
const backend = gpu.backend as WebGPUBackend;

function upload(b: WebGPUBackend, shape: number[], data: number[]): DeviceTensor<GpuStorage> {
  const s = b.allocate('f32', data.length);
  b.write(s, Float32Array.from(data));
  return { storage: s, shape, dtype: 'f32' };
}

const variants: Array<{
  variant: 1 | 2;
  bk: 8 | 16;
  doubleBuffer: boolean;
  vec4: boolean;
  swizzle: boolean;
}> = [];
for (const variant of [1, 2] as const)
  for (const bk of [8, 16] as const)
    for (const doubleBuffer of [false, true])
      for (const vec4 of [false, true])
        variants.push({ variant, bk, doubleBuffer, vec4, swizzle: doubleBuffer === vec4 });

describe.skipIf(gpu.skip)(gpu.title('webgpu matmul variants match a float64 product'), () => {
  // Each distinct kernel compiles once (~1 s on llvmpipe), so the grid is pruned: every variant on an
  // aligned NN product, vec4 variants on an aligned TT product, scalar variants on ragged NT / TN.
  const plan: Array<[number, number, number, boolean, boolean, typeof variants]> = [
    [256, 128, 48, false, false, variants],
    [256, 128, 48, true, true, variants.filter((v) => v.vec4)],
    [130, 67, 21, false, true, variants.filter((v) => !v.vec4 && v.bk === 8)],
    [130, 67, 21, true, false, variants.filter((v) => !v.vec4 && v.bk === 16)],
    // 18 block-rows of 64: two full groups of 8 and a partial one in the grouped order
    [1152, 128, 16, false, false, variants.filter((v) => v.variant === 1 && v.swizzle && v.bk === 16)],
  ];
  for (const [M, N, K, tA, tB, list] of plan) {
    it(`${M}x${N}x${K} transA=${tA} transB=${tB}, ${list.length} variants`, async () => {
      const a = seeded(M * K, M + K);
      const bb = seeded(K * N, N + 1);
      const ref = new Float64Array(M * N);
      for (let m = 0; m < M; m++)
        for (let n = 0; n < N; n++) {
          let s = 0;
          for (let k = 0; k < K; k++)
            s += Math.fround(a[tA ? k * M + m : m * K + k]!) * Math.fround(bb[tB ? n * K + k : k * N + n]!);
          ref[m * N + n] = s;
        }
      const A = upload(backend, tA ? [K, M] : [M, K], a);
      const B = upload(backend, tB ? [N, K] : [K, N], bb);
      for (const v of list) {
        const c = backend.allocate('f32', M * N);
        encodeMatmul(backend.kernelContext, {
          a: A,
          b: B,
          c: { storage: c, shape: [M, N], dtype: 'f32' },
          M,
          N,
          K,
          transA: tA,
          transB: tB,
          dtype: 'f32',
          variant: v.variant,
          tuning: v,
        });
        const got = await backend.read(c, 'f32', M * N);
        let err = 0;
        for (let i = 0; i < M * N; i++) err = Math.max(err, Math.abs(got[i]! - ref[i]!));
        expect(err, JSON.stringify(v)).toBeLessThan(1e-4);
        backend.free(c);
      }
      backend.free(A.storage);
      backend.free(B.storage);
    });
  }
});
