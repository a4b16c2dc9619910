/**
 * The WebAssembly SIMD matmul: the batched, broadcasting `matmul` of the contract (`kernels/matmul.ts`
 * does the batching and turns transposes into strides) with each GEMM on the arena kernel of
 * `wasm/gemm.wat`, split across threads. f64 and tensors outside the arena take the reference path.
 */
import { type GemmArgs, type GemmImplementation, gemm } from '../kernels/gemm/gemm.js';
import type { CpuKernel } from '../kernels/kernel.js';
import { matmulAccumulateKernelOn, matmulKernelOn, matmulKernelWith } from '../kernels/matmul.js';
import type { WasmRuntime } from '../wasm/runtime.js';

/** Estimated nanoseconds per multiply-add on one thread (≈ 45 GFLOP/s measured here). */
export const NS_PER_MAC = 0.045;

/**
 * Runs the arena GEMM (`gemm.wat`'s `gemm`) on `strided` = `[m, n, k, a, ars, acs, b, brs, bcs, c,
 * ldc, accumulate]` with epilogue `epi` (0: none), split as its work deserves.
 */
export function runGemm(rt: WasmRuntime, strided: readonly number[], scratch: number, epi: number): void {
  const [m, n, k] = strided as [number, number, number];
  rt.run('gemm', [...strided, scratch, epi], m * n * k * NS_PER_MAC);
}

/** `C (=|+=) A·B` on the arena GEMM when every operand lives there, else on `fallback`'s path. */
export function arenaGemm(rt: WasmRuntime, fallback: GemmImplementation): (args: GemmArgs) => void {
  const perThread = rt.query('gemm_scratch_bytes');
  return (g) => {
    const { m, n, k, a, b, c } = g;
    if (
      !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
      m === 0 ||
      n === 0 ||
      k === 0 ||
      !rt.owns(a, b, c)
    ) {
      gemm(g, fallback);
      return;
    }
    const strided = [
      m,
      n,
      k,
      a.byteOffset + g.aOffset * 4,
      g.aRowStride,
      g.aColStride,
      b.byteOffset + g.bOffset * 4,
      g.bRowStride,
      g.bColStride,
      c.byteOffset + g.cOffset * 4,
      g.ldc,
      g.accumulate ? 1 : 0,
    ];
    // fewer than 4 rows (decoding): stream B once, no packing
    if (m < 4 && ((g.bRowStride === 1 && g.aColStride === 1) || g.bColStride === 1)) {
      rt.run('gemv', strided, m * n * k * NS_PER_MAC * 2);
      return;
    }
    runGemm(rt, strided, rt.scratch(perThread * rt.threads), 0);
  };
}

export function simdMatmul(rt: WasmRuntime, gemmImpl: GemmImplementation): CpuKernel<'matmul'> {
  return gemmImpl === 'ts' ? matmulKernelWith('ts') : matmulKernelOn(arenaGemm(rt, gemmImpl));
}

/** `matmulAccumulate` (c += a·b): the same GEMM, adding into c instead of overwriting it. */
export function simdMatmulAccumulate(
  rt: WasmRuntime,
  gemmImpl: GemmImplementation,
): CpuKernel<'matmulAccumulate'> {
  return matmulAccumulateKernelOn(gemmImpl === 'ts' ? (g) => gemm(g, 'ts') : arenaGemm(rt, gemmImpl));
}
