/**
 * CPU matmul: batched `C = op(A) · op(B)` with broadcast batch dimensions and `transA`/`transB`.
 *
 * Shapes (the contract in `backend/ops.ts` validates them before this runs):
 *
 * ```text
 * A: (...batchA, m, k)   or (...batchA, k, m) with transA
 * B: (...batchB, k, n)   or (...batchB, n, k) with transB
 * C: (...broadcast(batchA, batchB), m, n)
 * ```
 *
 * Every batch entry is one call of the packed GEMM in `gemm/gemm.ts`; transposes become strides, so no
 * operand is ever copied to transpose it. When B has no batch dims of its own (a weight matrix, as in
 * `x (B,T,C) @ W (C,D)`) and A is not transposed, the batch rows of A are folded into one tall GEMM of
 * `batch·m` rows: one packing of W serves every row.
 */
import type { FloatArray } from '../../backend/dtype.js';
import { type GemmArgs, type GemmImplementation, gemm } from './gemm/gemm.js';
import { type CpuKernel, floatData } from './kernel.js';

/** Shapes and flags of one matmul. */
export interface MatmulSpec {
  aShape: readonly number[];
  bShape: readonly number[];
  transA?: boolean;
  transB?: boolean;
}

/** `[batch, m, k, n]` and the broadcast batch shape of a matmul. */
export function matmulDims(spec: MatmulSpec): { batch: number[]; m: number; k: number; n: number } {
  const { aShape, bShape } = spec;
  const ar = aShape.length;
  const br = bShape.length;
  const m = spec.transA ? aShape[ar - 1]! : aShape[ar - 2]!;
  const k = spec.transA ? aShape[ar - 2]! : aShape[ar - 1]!;
  const n = spec.transB ? bShape[br - 2]! : bShape[br - 1]!;
  const batchA = aShape.slice(0, ar - 2);
  const batchB = bShape.slice(0, br - 2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = batchA[batchA.length - rank + i] ?? 1;
    const db = batchB[batchB.length - rank + i] ?? 1;
    batch.push(da === 1 ? db : da);
  }
  return { batch, m, k, n };
}

/**
 * Element offset of batch entry `index` (row-major over `batch`) inside an operand whose own batch
 * shape is `own` (right-aligned, size-1 dims broadcast), each matrix being `matrixSize` elements.
 */
function batchOffset(index: number, batch: readonly number[], own: readonly number[], matrixSize: number) {
  let offset = 0;
  let stride = matrixSize;
  let rest = index;
  for (let d = batch.length - 1, o = own.length - 1; d >= 0; d--, o--) {
    const size = batch[d]!;
    const coord = rest % size;
    rest = (rest - coord) / size;
    if (o < 0) continue;
    const ownSize = own[o]!;
    if (ownSize !== 1) offset += coord * stride;
    stride *= ownSize;
  }
  return offset;
}

/**
 * Batched matrix product into `out` (overwritten, or added to with `accumulate`).
 *
 * @example
 * ```ts
 * const a = new Float32Array([1, 2, 3, 4]); // (2,2)
 * const b = new Float32Array([5, 6, 7, 8]); // (2,2)
 * const out = new Float32Array(4);
 * matmulCpu(a, b, out, { aShape: [2, 2], bShape: [2, 2], transB: true });
 * // out = [1·5+2·6, 1·7+2·8, 3·5+4·6, 3·7+4·8] = [17, 23, 39, 53]
 * ```
 */
export function matmulCpu(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  spec: MatmulSpec,
  accumulate = false,
  run: (args: GemmArgs) => void = gemm,
): void {
  const { batch, m, k, n } = matmulDims(spec);
  const transA = spec.transA === true;
  const transB = spec.transB === true;
  const batchA = spec.aShape.slice(0, -2);
  const batchB = spec.bShape.slice(0, -2);
  const batchSize = batch.reduce((x, y) => x * y, 1);
  const bBatchSize = batchB.reduce((x, y) => x * y, 1);
  const aBatchSize = batchA.reduce((x, y) => x * y, 1);
  const aRowStride = transA ? 1 : k;
  const aColStride = transA ? m : 1;
  const bRowStride = transB ? 1 : n;
  const bColStride = transB ? k : 1;

  if (!transA && bBatchSize === 1 && aBatchSize === batchSize) {
    // (batch·m, k) @ (k, n): fold the batch into the rows.
    run({
      m: batchSize * m,
      n,
      k,
      a,
      aOffset: 0,
      aRowStride,
      aColStride,
      b,
      bOffset: 0,
      bRowStride,
      bColStride,
      c: out,
      cOffset: 0,
      ldc: n,
      accumulate,
    });
    return;
  }
  for (let i = 0; i < batchSize; i++) {
    run({
      m,
      n,
      k,
      a,
      aOffset: batchOffset(i, batch, batchA, m * k),
      aRowStride,
      aColStride,
      b,
      bOffset: batchOffset(i, batch, batchB, k * n),
      bRowStride,
      bColStride,
      c: out,
      cOffset: i * m * n,
      ldc: n,
      accumulate,
    });
  }
}

/** The `matmul` kernel with every product computed by `run` (one GEMM call per batch matrix). */
export function matmulKernelOn(run: (args: GemmArgs) => void): CpuKernel<'matmul'> {
  return ({ inputs: { a, b }, outputs: { y }, attrs }) => {
    matmulCpu(
      floatData('matmul', a.storage),
      floatData('matmul', b.storage),
      floatData('matmul', y.storage),
      { aShape: a.shape, bShape: b.shape, transA: attrs.transA, transB: attrs.transB },
      false,
      run,
    );
  };
}

/** The `matmulAccumulate` kernel (`c += op(a) @ op(b)`) with every product computed by `run`. */
export function matmulAccumulateKernelOn(run: (args: GemmArgs) => void): CpuKernel<'matmulAccumulate'> {
  return ({ inputs: { a, b }, inouts: { c }, attrs }) => {
    matmulCpu(
      floatData('matmulAccumulate', a.storage),
      floatData('matmulAccumulate', b.storage),
      floatData('matmulAccumulate', c.storage),
      { aShape: a.shape, bShape: b.shape, transA: attrs.transA, transB: attrs.transB },
      true,
      run,
    );
  };
}

/** The `matmul` kernel with products on GEMM implementation `impl` (`auto`, `ts` or `wasm`). */
export function matmulKernelWith(impl: GemmImplementation): CpuKernel<'matmul'> {
  return matmulKernelOn((g) => gemm(g, impl));
}

export const matmulKernel: CpuKernel<'matmul'> = matmulKernelWith('auto');

/** The contract's `matmulAccumulate` kernel (GEMM `auto`). */
export const matmulAccumulateKernel: CpuKernel<'matmulAccumulate'> = matmulAccumulateKernelOn((g) =>
  gemm(g, 'auto'),
);
