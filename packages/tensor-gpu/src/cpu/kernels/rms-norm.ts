/**
 * CPU RMS norm over the last axis (Llama's `LlamaRMSNorm`), forward and backward.
 *
 * The input is viewed as `rows × C`. Forward, per row:
 *
 * ```text
 * rstd = 1 / sqrt(Σx² / C + eps),   xhat = x · rstd,   y = xhat ⊙ w
 * x = [3, 4], eps = 0: Σx²/C = 12.5, rstd = 0.2828, y = [0.849, 1.131] (w = 1)
 * ```
 *
 * Backward, per row, with `g = dy ⊙ w` (no mean is subtracted, unlike layer norm):
 *
 * ```text
 * dx = rstd · (g − xhat · mean(g ⊙ xhat)),   dw += Σ_rows dy ⊙ xhat
 * ```
 */
import type { FloatArray } from '../../backend/dtype.js';
import { type CpuKernel, type CpuStorage, floatData } from './kernel.js';

/**
 * RMS norm of `x (rows, C)` into `y`, writing per-row `rstd`. `w` may be null (no scale).
 *
 * @example
 * ```ts
 * const y = new Float32Array(2), rstd = new Float32Array(1);
 * rmsNormCpu(new Float32Array([3, 4]), null, y, rstd, 1, 2, 0); // rstd ≈ [0.2828], y ≈ [0.849, 1.131]
 * ```
 */
export function rmsNormCpu(
  x: FloatArray,
  w: FloatArray | null,
  y: FloatArray,
  rstd: FloatArray,
  rows: number,
  C: number,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    let ss = 0;
    for (let j = 0; j < C; j++) {
      const v = x[base + j]!;
      ss += v * v;
    }
    const rs = 1 / Math.sqrt(ss / C + eps);
    for (let j = 0; j < C; j++) y[base + j] = x[base + j]! * rs * (w === null ? 1 : w[j]!);
    rstd[r] = rs;
  }
}

/**
 * RMS norm backward: writes `dx (rows, C)` and writes (or adds to, with `accumulate`) `dw` (C long;
 * null when the forward had no weight).
 *
 * @example
 * ```ts
 * const dx = new Float32Array(2);
 * rmsNormBackwardCpu(new Float32Array([1, 1]), new Float32Array([1, 1]), null, new Float32Array([1]),
 *   dx, null, 1, 2);
 * // xhat = [1, 1], mean(g·xhat) = 1: dx = [1 − 1, 1 − 1] = [0, 0]
 * ```
 */
export function rmsNormBackwardCpu(
  dy: FloatArray,
  x: FloatArray,
  w: FloatArray | null,
  rstd: FloatArray,
  dx: FloatArray,
  dw: FloatArray | null,
  rows: number,
  C: number,
  accumulate = false,
  accumulateDx = false,
): void {
  const dwAcc = dw === null ? null : new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const rs = rstd[r]!;
    let gx = 0;
    for (let j = 0; j < C; j++) gx += dy[base + j]! * (w === null ? 1 : w[j]!) * x[base + j]! * rs;
    gx /= C;
    for (let j = 0; j < C; j++) {
      const d = dy[base + j]!;
      const xhat = x[base + j]! * rs;
      const v = rs * (d * (w === null ? 1 : w[j]!) - xhat * gx);
      dx[base + j] = accumulateDx ? dx[base + j]! + v : v;
      if (dwAcc !== null) dwAcc[j]! += d * xhat;
    }
  }
  if (dw === null || dwAcc === null) return;
  if (accumulate) for (let j = 0; j < C; j++) dw[j]! += dwAcc[j]!;
  else dw.set(dwAcc);
}

/** The contract's `rmsNorm` kernel: x (...,C) → y, rstd (...). */
export const rmsNormKernel: CpuKernel<'rmsNorm'> = ({ inputs, outputs, attrs }) => {
  const op = 'rmsNorm';
  const C = inputs.x.shape[inputs.x.shape.length - 1]!;
  const x = floatData(op, inputs.x.storage);
  rmsNormCpu(
    x,
    floatData(op, inputs.weight.storage),
    floatData(op, outputs.y.storage),
    floatData(op, outputs.rstd.storage),
    C === 0 ? 0 : x.length / C,
    C,
    attrs.eps,
  );
};

type RmsNormBackwardArgs = Parameters<CpuKernel<'rmsNormBackward'>>[0]['inputs'];

/** Both backward kernels: dx written (or added into, `into`), dweight written. */
function rmsNormBackwardOn(
  op: string,
  inputs: RmsNormBackwardArgs,
  dx: CpuStorage,
  dweight: CpuStorage,
  into: boolean,
): void {
  const C = inputs.x.shape[inputs.x.shape.length - 1]!;
  const x = floatData(op, inputs.x.storage);
  rmsNormBackwardCpu(
    floatData(op, inputs.dy.storage),
    x,
    floatData(op, inputs.weight.storage),
    floatData(op, inputs.rstd.storage),
    floatData(op, dx),
    floatData(op, dweight),
    C === 0 ? 0 : x.length / C,
    C,
    false,
    into,
  );
}

/** The contract's `rmsNormBackward` kernel → dx, dweight (overwritten). */
export const rmsNormBackwardKernel: CpuKernel<'rmsNormBackward'> = ({ inputs, outputs }) =>
  rmsNormBackwardOn('rmsNormBackward', inputs, outputs.dx.storage, outputs.dweight.storage, false);

/** The contract's `rmsNormBackwardInto` kernel: dx += ∂/∂x (in place); dweight overwritten. */
export const rmsNormBackwardIntoKernel: CpuKernel<'rmsNormBackwardInto'> = ({ inputs, outputs, inouts }) =>
  rmsNormBackwardOn('rmsNormBackwardInto', inputs, inouts.dx.storage, outputs.dweight.storage, true);
