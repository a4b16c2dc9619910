/**
 * `matmul`: y = op(a) @ op(b), batched with broadcast batch dims. Picks a kernel by shape (WGSL in
 * `matmul-wgsl.ts`):
 *   - 128×128 blocks, 8×8 per thread, when there are enough blocks to fill the GPU;
 *   - 64×64 blocks, 4×4 per thread, for medium shapes;
 *   - one thread per output for skinny/small products (M or N < 32, e.g. decoding one token).
 * Batch dims are collapsed (contiguous runs merged) to at most 4, with per-operand strides that are 0
 * where an operand broadcasts.
 */
import { sizeOf } from '../../backend/ops.js';
import { BackendError, formatShape } from '../../errors.js';
import { type GpuKernel, type KernelContext, wgslType } from '../kernel-context.js';
import { broadcastStrides, collapseAxes, Params } from '../wgsl.js';
import { simpleMatmulWGSL, type TiledMatmulOptions, tiledMatmulWGSL } from './matmul-wgsl.js';

/**
 * Tunables of the tiled kernel, picked by the H100 sweeps of bench/gpu-bench.ts (2026-11-22, f32
 * 4096³, TFLOP/s; cuBLAS without TF32: 51.5). Before the WGSL cache below, every timing also carried
 * ~0.3 ms of kernel-text generation per dispatch (first sweeps: bk 16 / single buffer / vec4 34.5,
 * + prefetch + grouped order 40.8). With the cache, interleaved repeats on two machine starts
 * (21:10 and 21:12 UTC): bk 16 / vec4 / register prefetch / padded slabs 43.8, 44.2, 44.0, 44.2, 44.1
 * (the steadiest); + grouped order 44.0, 43.4, 44.0, 44.3, 43.4; prefetch alone 42.9–45.4; without
 * prefetch the same variants swung from 43–44.7 on one start to 38–41 on the other; bk 32
 * 38.3–42.3; bk 8 double buffer 36.3. Dawn's `disable_robustness` changed the best by < 1 TFLOP/s.
 */
export const MATMUL_TUNING: Required<Pick<TiledMatmulOptions, MatmulTunable>> = {
  bk: 16,
  doubleBuffer: false,
  vec4: true,
  swizzle: false,
  prefetch: true,
  pad: true,
};

/** The knobs of the tiled kernel that callers (benchmarks, tests) may override. */
export type MatmulTunable = 'bk' | 'doubleBuffer' | 'vec4' | 'swizzle' | 'prefetch' | 'pad';

/** Which kernel a product of this size uses: 2 → 128 blocks, 1 → 64 blocks, 0 → simple. */
export function matmulVariant(M: number, N: number, batch: number): 0 | 1 | 2 {
  if ((M < 32 || N < 32) && M <= 65535) return 0;
  if (M >= 128 && N >= 128 && Math.ceil(M / 128) * Math.ceil(N / 128) * batch >= 64) return 2;
  return 1;
}

/**
 * Generated kernel text by options. Building the 128-block kernel's ~24 KB of WGSL costs ~0.3 ms of
 * JS, paid on every dispatch before this cache (a GPT-2 training step records ~150 matmuls), and a
 * reused string also keeps its hash for the pipeline cache's lookup.
 */
const wgslCache = new Map<string, string>();
function cachedWGSL(o: TiledMatmulOptions): string {
  const key = `${o.dtype}${+o.transA}${+o.transB}${o.g}${o.bk}${+o.aligned}${+o.doubleBuffer}${+!!o.vec4}${+!!o.swizzle}${+!!o.prefetch}${+!!o.pad}`;
  let code = wgslCache.get(key);
  if (code === undefined) {
    code = tiledMatmulWGSL(o);
    wgslCache.set(key, code);
  }
  return code;
}

/** Records C = op(A)·op(B) for raw buffers (also used by the benchmarks). */
export function encodeMatmul(
  ctx: KernelContext,
  o: {
    a: Parameters<KernelContext['dispatch']>[2][number];
    b: Parameters<KernelContext['dispatch']>[2][number];
    c: Parameters<KernelContext['dispatch']>[2][number];
    M: number;
    N: number;
    K: number;
    transA: boolean;
    transB: boolean;
    dtype: 'f32' | 'f16';
    batchShape?: readonly number[];
    aBatchStrides?: readonly number[];
    bBatchStrides?: readonly number[];
    variant?: 0 | 1 | 2;
    tuning?: Partial<Pick<TiledMatmulOptions, MatmulTunable>>;
  },
): void {
  const batchShape = o.batchShape ?? [];
  const batch = sizeOf(batchShape);
  const variant = o.variant ?? matmulVariant(o.M, o.N, batch);
  const params = new Params()
    .u32(o.M)
    .u32(o.N)
    .u32(o.K)
    .u32(batchShape.length)
    .u32s(batchShape, 4, 1)
    .u32s(o.aBatchStrides ?? [], 4)
    .u32s(o.bBatchStrides ?? [], 4).buffer;
  if (variant === 0) {
    const code = simpleMatmulWGSL(o.dtype, o.transA, o.transB);
    ctx.dispatch('matmul', code, [o.a, o.b, o.c], [Math.ceil(o.N / 64), o.M, batch], params);
    return;
  }
  const g = variant;
  const T = 64 * g;
  const bk = o.tuning?.bk ?? MATMUL_TUNING.bk;
  const aligned = o.M % T === 0 && o.N % T === 0 && o.K % bk === 0;
  // Workgroup memory rule: As + Bs = 2 · bk · (T/4 + pad) vec4s per buffer. Drop the padding, then
  // the second buffer, when the device's limit (32 KiB on llvmpipe, 48 KiB on the H100) is too small.
  let pad = o.tuning?.pad ?? MATMUL_TUNING.pad;
  let doubleBuffer = o.tuning?.doubleBuffer ?? MATMUL_TUNING.doubleBuffer;
  const bytes = () => 2 * bk * (T / 4 + (pad ? 1 : 0)) * 16 * (doubleBuffer ? 2 : 1);
  if (bytes() > ctx.caps.maxWorkgroupStorage) pad = false;
  if (bytes() > ctx.caps.maxWorkgroupStorage) doubleBuffer = false;
  const code = cachedWGSL({
    dtype: o.dtype,
    transA: o.transA,
    transB: o.transB,
    g,
    bk,
    aligned,
    doubleBuffer,
    vec4: o.tuning?.vec4 ?? MATMUL_TUNING.vec4,
    swizzle: o.tuning?.swizzle ?? MATMUL_TUNING.swizzle,
    prefetch: o.tuning?.prefetch ?? MATMUL_TUNING.prefetch,
    pad,
  });
  ctx.dispatch('matmul', code, [o.a, o.b, o.c], [Math.ceil(o.N / T), Math.ceil(o.M / T), batch], params);
}

export const matmul: GpuKernel<'matmul'> = (
  ctx,
  { inputs: { a, b }, outputs: { y }, attrs: { transA, transB } },
) => {
  const t = wgslType(ctx, 'matmul', a.dtype);
  if (t !== 'f32' && t !== 'f16') {
    throw new BackendError({
      operation: 'matmul',
      expected: 'f32 or f16 operands',
      found: t,
      hint: "integer matrix products are not supported: cast to 'f32' first",
    });
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const K = transA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const N = transB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const outBatch = y.shape.slice(0, -2);
  const aStrides = broadcastStrides(a.shape.slice(0, -2), outBatch).map((s) => s * M * K);
  const bStrides = broadcastStrides(b.shape.slice(0, -2), outBatch).map((s) => s * K * N);
  const c = collapseAxes(outBatch, [aStrides, bStrides]);
  const batch = sizeOf(outBatch);
  if (c.shape.length > 4 || batch > 65535) {
    throw new BackendError({
      operation: 'matmul',
      expected: 'at most 4 non-mergeable batch dims and 65535 batch entries on WebGPU',
      found: `${formatShape(a.shape)} @ ${formatShape(b.shape)}`,
      hint: 'reshape the batch dims into one first',
    });
  }
  if (sizeOf(y.shape) === 0) return;
  if (K === 0) {
    // An empty inner dimension: y is all zeros (the kernels would read nothing).
    ctx.dispatch(
      'matmul',
      simpleMatmulWGSL(t, transA, transB),
      [a, b, y],
      [Math.ceil(N / 64), M, batch],
      new Params().u32(M).u32(N).u32(0).u32(0).buffer,
    );
    return;
  }
  encodeMatmul(ctx, {
    a,
    b,
    c: y,
    M,
    N,
    K,
    transA,
    transB,
    dtype: t,
    batchShape: batch === 1 ? [] : c.shape,
    aBatchStrides: batch === 1 ? [] : c.strides[0]!,
    bBatchStrides: batch === 1 ? [] : c.strides[1]!,
  });
};
