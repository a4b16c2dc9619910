/**
 * The WebGPU benchmark sweep for a GPU machine (H100 via Dawn + Vulkan), one process, one JSON.
 *
 *   bundle:  npx esbuild bench/gpu-bench.ts --bundle --platform=node --format=esm --external:webgpu \
 *              --outfile=../../.gpu/bench.mjs
 *   run:     . .gpu/setup.sh && node .gpu/bench.mjs [out.json]   (+ python3 bench/gpu-torch.py)
 *
 * Measures (each after warm-up, as the mean of a batch of back-to-back dispatches ended by one sync):
 *   - matmul f32 and f16 (where shader-f16 exists) at 4096³ for every tiled-kernel variant
 *     (K-slab 8/16, double buffering on/off), then the best variant at 2048³ and 8192³;
 *     every variant's result is spot-checked against a float64 dot product on the host;
 *   - attention forward and backward, GPT-2 small shape (B 4, H 12, T 1024, D 64, causal).
 * The PyTorch reference for the same shapes is bench/gpu-torch.py (run in the same command).
 */
import { writeFileSync } from 'node:fs';
import type { DeviceTensor } from '../src/backend/backend.js';
import { createNodeBackend } from '../src/node.js';
import type { GpuStorage } from '../src/webgpu/kernel-context.js';
import { encodeMatmul, type MatmulTunable } from '../src/webgpu/kernels/matmul.js';
import type { TiledMatmulOptions } from '../src/webgpu/kernels/matmul-wgsl.js';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';

type T = DeviceTensor<GpuStorage>;
/** `GPU_BENCH_SMALL=1`: tiny shapes, to check the script itself on llvmpipe. */
const SMALL = process.env.GPU_BENCH_SMALL === '1';
const SIZES = SMALL ? [256, 128, 512] : [4096, 2048, 8192];
const results: Record<string, unknown>[] = [];
/** `GPU_BENCH_REPEAT=r`: measure the f32 4096³ sweep r times, interleaved (to see the noise), and stop. */
const REPEAT = Number(process.env.GPU_BENCH_REPEAT ?? '0');

function record(r: Record<string, unknown>): void {
  results.push(r);
  console.log(JSON.stringify(r));
}

function random(b: WebGPUBackend, shape: number[], dtype: 'f32' | 'f16', seed: number, scale = 1): T {
  const n = shape.reduce((a, c) => a * c, 1);
  const t: T = { storage: b.allocate(dtype, n), shape, dtype };
  b.run('randomUniform', {
    inputs: {},
    outputs: { y: t },
    inouts: {},
    attrs: { shape, dtype, seed, offset: 0, low: -scale, high: scale },
  });
  return t;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

async function toF64(b: WebGPUBackend, t: T): Promise<Float64Array> {
  const n = t.shape.reduce((a, c) => a * c, 1);
  const raw = await b.read(t.storage, t.dtype, n);
  return t.dtype === 'f16' ? Float64Array.from(raw as Uint16Array, halfToFloat) : Float64Array.from(raw);
}

async function timeIt(b: WebGPUBackend, iters: number, fn: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) fn();
  await b.sync();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) fn();
  await b.sync();
  return (performance.now() - t0) / iters;
}

async function benchMatmul(b: WebGPUBackend, dtype: 'f32' | 'f16'): Promise<void> {
  const sb = { doubleBuffer: false, vec4: true };
  const variants: Array<Partial<Pick<TiledMatmulOptions, MatmulTunable>>> = [
    { bk: 16, ...sb },
    { bk: 16, ...sb, swizzle: true },
    { bk: 16, ...sb, pad: true },
    { bk: 16, ...sb, pad: true, swizzle: true },
    { bk: 16, ...sb, prefetch: true },
    { bk: 16, ...sb, prefetch: true, swizzle: true },
    { bk: 16, ...sb, prefetch: true, pad: true },
    { bk: 16, ...sb, prefetch: true, pad: true, swizzle: true },
    { bk: 32, ...sb },
    { bk: 32, ...sb, swizzle: true },
    { bk: 32, ...sb, prefetch: true, swizzle: true },
    { bk: 32, ...sb, prefetch: true, pad: true, swizzle: true },
    { bk: 8, ...sb, prefetch: true, swizzle: true },
    { bk: 8, doubleBuffer: true, vec4: true, swizzle: true },
  ];
  let best = { tflops: 0, v: variants[0]! };
  for (const n of SIZES) {
    const list =
      n === SIZES[0] ? Array.from({ length: Math.max(1, REPEAT) }, () => variants).flat() : [best.v];
    if (REPEAT > 0 && n !== SIZES[0]) break;
    const a = random(b, [n, n], dtype, 1);
    const bb = random(b, [n, n], dtype, 2);
    const c: T = { storage: b.allocate(dtype, n * n), shape: [n, n], dtype };
    const A = n <= 4096 ? await toF64(b, a) : undefined;
    const B = n <= 4096 ? await toF64(b, bb) : undefined;
    for (const v of list) {
      const run = () =>
        encodeMatmul(b.kernelContext, {
          a,
          b: bb,
          c,
          M: n,
          N: n,
          K: n,
          transA: false,
          transB: false,
          dtype,
          tuning: v,
        });
      let maxErr = Number.NaN;
      try {
        const ms = await timeIt(b, n >= 8192 ? 5 : REPEAT > 0 ? 50 : 20, run);
        if (A && B) {
          const C = await toF64(b, c);
          maxErr = 0;
          for (let s = 0; s < 32; s++) {
            const i = (s * 7919) % n;
            const j = (s * 104729) % n;
            let ref = 0;
            for (let k = 0; k < n; k++) ref += A[i * n + k]! * B[k * n + j]!;
            maxErr = Math.max(maxErr, Math.abs(C[i * n + j]! - ref) / Math.sqrt(n));
          }
        }
        const tflops = (2 * n ** 3) / (ms * 1e-3) / 1e12;
        record({
          bench: 'matmul',
          dtype,
          n,
          ...v,
          ms: +ms.toFixed(3),
          tflops: +tflops.toFixed(2),
          maxErrOverSqrtK: maxErr,
        });
        if (n === SIZES[0] && tflops > best.tflops) best = { tflops, v };
      } catch (e) {
        record({ bench: 'matmul', dtype, n, ...v, error: (e as Error).message.slice(0, 300) });
      }
    }
    for (const t of [a, bb, c]) b.free(t.storage);
  }
}

async function benchAttention(b: WebGPUBackend, dtype: 'f32' | 'f16'): Promise<void> {
  const [B, H, Tn, D] = SMALL ? [1, 2, 64, 64] : [4, 12, 1024, 64];
  const q = random(b, [B, H, Tn, D], dtype, 3);
  const k = random(b, [B, H, Tn, D], dtype, 4);
  const v = random(b, [B, H, Tn, D], dtype, 5);
  const dout = random(b, [B, H, Tn, D], dtype, 6);
  const mk = (shape: number[], dt: 'f32' | 'f16'): T => ({
    storage: b.allocate(
      dt,
      shape.reduce((x, y) => x * y, 1),
    ),
    shape,
    dtype: dt,
  });
  const o = mk([B, H, Tn, D], dtype);
  const lse = mk([B, H, Tn], 'f32');
  const dq = mk([B, H, Tn, D], dtype);
  const dk = mk([B, H, Tn, D], dtype);
  const dv = mk([B, H, Tn, D], dtype);
  const attrs = { causal: true, scale: 1 / Math.sqrt(D) };
  const fwd = () => b.run('attention', { inputs: { q, k, v }, outputs: { o, lse }, inouts: {}, attrs });
  const bwd = () =>
    b.run('attentionBackward', {
      inputs: { q, k, v, o, lse, dout },
      outputs: { dq, dk, dv },
      inouts: {},
      attrs,
    });
  // causal: half of the T×T scores; forward 2 matmuls (QKᵀ, PV), backward 5 (recompute QKᵀ, dV, dP, dQ, dK)
  const fwdFlop = 2 * 2 * B * H * Tn * Tn * D * 0.5;
  try {
    const msF = await timeIt(b, 5, fwd);
    record({
      bench: 'attention-fwd',
      dtype,
      B,
      H,
      T: Tn,
      D,
      ms: +msF.toFixed(3),
      tflops: +(fwdFlop / msF / 1e9).toFixed(3),
    });
    const msB = await timeIt(b, 3, bwd);
    record({
      bench: 'attention-bwd',
      dtype,
      B,
      H,
      T: Tn,
      D,
      ms: +msB.toFixed(3),
      tflops: +((fwdFlop * 2.5) / msB / 1e9).toFixed(3),
    });
  } catch (e) {
    record({ bench: 'attention', dtype, error: (e as Error).message.slice(0, 300) });
  }
  for (const t of [q, k, v, dout, o, lse, dq, dk, dv]) b.free(t.storage);
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'gpu-bench.json';
  // GPU_BENCH_DAWN=a,b: extra Dawn toggles (e.g. disable_robustness, to measure what bounds clamping costs).
  const extra = (process.env.GPU_BENCH_DAWN ?? '').split(',').filter((x) => x !== '');
  const b = await createNodeBackend({ dawnFeatures: ['vulkan_enable_f16_on_nvidia', ...extra] });
  record({ bench: 'device', dawnFeatures: extra, features: [...b.device.features].sort(), caps: b.caps });
  await benchMatmul(b, 'f32');
  if (REPEAT > 0) {
    b.dispose();
    process.exit(0);
  }
  if (b.caps.f16) await benchMatmul(b, 'f16');
  await benchAttention(b, 'f32');
  if (b.caps.f16) await benchAttention(b, 'f16');
  writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 1));
  const { renameSync } = await import('node:fs');
  renameSync(`${out}.tmp`, out);
  b.dispose();
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
