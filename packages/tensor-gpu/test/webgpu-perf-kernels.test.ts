/**
 * The H100-tuned matmul variants (register prefetch, padded slabs, K-slab 32, grouped block order)
 * against a float64 product on the host, on aligned, transposed and ragged shapes (K tails, edge
 * blocks). Runs on llvmpipe here; webgpu-matmul.test.ts covers the older variants.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceTensor } from '../src/backend/backend.js';
import type { GpuStorage } from '../src/webgpu/kernel-context.js';
import { encodeMatmul, type MatmulTunable } from '../src/webgpu/kernels/matmul.js';
import type { TiledMatmulOptions } from '../src/webgpu/kernels/matmul-wgsl.js';
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

type Case = { variant: 1 | 2 } & Partial<Pick<TiledMatmulOptions, MatmulTunable>>;

const vec4Cases: Case[] = [
  { variant: 2, bk: 16, vec4: true, prefetch: true, swizzle: true },
  { variant: 2, bk: 32, vec4: true, prefetch: true, pad: true },
  { variant: 2, bk: 8, vec4: true, prefetch: true, pad: true, swizzle: true },
  { variant: 2, bk: 32, vec4: true, doubleBuffer: true },
];
const scalarCases: Case[] = [
  { variant: 1, bk: 16, vec4: false, prefetch: true },
  { variant: 1, bk: 32, vec4: false, prefetch: true, pad: true, swizzle: true },
  { variant: 2, bk: 16, vec4: false, prefetch: true, swizzle: true },
];

describe.skipIf(gpu.skip)(gpu.title('webgpu tuned matmul variants match a float64 product'), () => {
  const plan: Array<[number, number, number, boolean, boolean, Case[]]> = [
    [256, 128, 64, false, false, [...vec4Cases, ...scalarCases]],
    [128, 256, 96, true, true, vec4Cases.slice(0, 2)],
    [130, 67, 37, false, true, scalarCases],
    [131, 140, 21, true, false, scalarCases.slice(1)],
    // the default tuning (MATMUL_TUNING), picked by shape
    [256, 256, 48, false, false, [{ variant: 2 }, { variant: 1 }]],
    [200, 72, 45, true, true, [{ variant: 2 }]],
  ];
  for (const [M, N, K, tA, tB, list] of plan) {
    it(`${M}x${N}x${K} transA=${tA} transB=${tB}, ${list.length} variants`, async () => {
      const a = seeded(M * K, M + 3 * K);
      const bb = seeded(K * N, N + 7);
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
      for (const { variant, ...tuning } of list) {
        const c = backend.allocate('f32', M * N);
        // Poison C so a block the kernel forgets to write cannot pass.
        backend.write(c, new Float32Array(M * N).fill(Number.NaN));
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
          variant,
          tuning,
        });
        const got = await backend.read(c, 'f32', M * N);
        let err = 0;
        for (let i = 0; i < M * N; i++) {
          const d = Math.abs(got[i]! - ref[i]!);
          err = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(err, d);
        }
        expect(err, JSON.stringify({ variant, ...tuning })).toBeLessThan(1e-4);
        backend.free(c);
      }
      backend.free(A.storage);
      backend.free(B.storage);
    });
  }
});
