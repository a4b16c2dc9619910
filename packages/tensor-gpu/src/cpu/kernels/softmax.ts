/**
 * CPU softmax and log-softmax over the last axis, with their backward passes.
 *
 * The input is viewed as `rows × cols` (every axis but the last folded into rows). Each row is
 * shifted by its maximum before `exp`, so large logits never overflow:
 *
 * ```text
 * x = [1, 2, 3]:  max 3, e = exp([-2, -1, 0]) = [0.135, 0.368, 1], sum 1.503
 * softmax    = e / sum             = [0.090, 0.245, 0.665]
 * logSoftmax = x - max - log(sum)  = [-2.408, -1.408, -0.408]
 * ```
 *
 * Backward (y is the forward output, dy the upstream gradient):
 *
 * ```text
 * softmax:     dx = y ⊙ (dy − Σ_j dy_j·y_j)
 * logSoftmax:  dx = dy − exp(y) · Σ_j dy_j
 * ```
 *
 * Row sums are accumulated in float64 (JavaScript numbers) whatever the storage dtype.
 */
import type { FloatArray } from '../../backend/dtype.js';
import { type CpuKernel, floatData } from './kernel.js';

/**
 * Softmax (or log-softmax with `log`) of each row of `x (rows, cols)` into `out`.
 *
 * @example
 * ```ts
 * const out = new Float32Array(3);
 * softmaxCpu(new Float32Array([1, 2, 3]), out, 1, 3); // out ≈ [0.090, 0.245, 0.665]
 * ```
 */
export function softmaxCpu(x: FloatArray, out: FloatArray, rows: number, cols: number, log = false): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) {
      const v = x[base + j]!;
      if (v > max) max = v;
    }
    if (max === Number.NEGATIVE_INFINITY) {
      // Every entry is -inf (a fully masked row): define the result as a uniform 0 / -inf row
      // rather than NaN, like a masked attention row with no keys.
      out.fill(log ? Number.NEGATIVE_INFINITY : 0, base, base + cols);
      continue;
    }
    let sum = 0;
    if (log) {
      for (let j = 0; j < cols; j++) sum += Math.exp(x[base + j]! - max);
      const shift = max + Math.log(sum);
      for (let j = 0; j < cols; j++) out[base + j] = x[base + j]! - shift;
    } else {
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(x[base + j]! - max);
        out[base + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < cols; j++) out[base + j]! *= inv;
    }
  }
}

/**
 * Gradient of softmax (or log-softmax with `log`) given its output `y` and upstream `dy`, into `dx`.
 *
 * @example
 * ```ts
 * const y = new Float32Array([0.5, 0.5]);
 * const dx = new Float32Array(2);
 * softmaxBackwardCpu(y, new Float32Array([1, 0]), dx, 1, 2); // dx = [0.25, -0.25]
 * ```
 */
export function softmaxBackwardCpu(
  y: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  rows: number,
  cols: number,
  log = false,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let s = 0;
    if (log) {
      for (let j = 0; j < cols; j++) s += dy[base + j]!;
      for (let j = 0; j < cols; j++) dx[base + j] = dy[base + j]! - Math.exp(y[base + j]!) * s;
    } else {
      for (let j = 0; j < cols; j++) s += dy[base + j]! * y[base + j]!;
      for (let j = 0; j < cols; j++) dx[base + j] = y[base + j]! * (dy[base + j]! - s);
    }
  }
}

/** Rows and columns of a tensor viewed as `(rows, last axis)`. */
function rowsCols(shape: readonly number[]): [number, number] {
  const cols = shape[shape.length - 1] ?? 1;
  const size = shape.reduce((x, y) => x * y, 1);
  return [cols === 0 ? 0 : size / cols, cols];
}

/** The contract's `softmax` kernel (last axis). */
export const softmaxKernel: CpuKernel<'softmax'> = ({ inputs: { x }, outputs: { y } }) => {
  const [rows, cols] = rowsCols(x.shape);
  softmaxCpu(floatData('softmax', x.storage), floatData('softmax', y.storage), rows, cols);
};

/** The contract's `logSoftmax` kernel (last axis). */
export const logSoftmaxKernel: CpuKernel<'logSoftmax'> = ({ inputs: { x }, outputs: { y } }) => {
  const [rows, cols] = rowsCols(x.shape);
  softmaxCpu(floatData('logSoftmax', x.storage), floatData('logSoftmax', y.storage), rows, cols, true);
};

/** The contract's `softmaxBackward` kernel (softmax, or log-softmax with `attrs.log`). */
export const softmaxBackwardKernel: CpuKernel<'softmaxBackward'> = ({
  inputs: { y, dy },
  outputs: { dx },
  attrs,
}) => {
  const [rows, cols] = rowsCols(y.shape);
  const op = 'softmaxBackward';
  softmaxBackwardCpu(
    floatData(op, y.storage),
    floatData(op, dy.storage),
    floatData(op, dx.storage),
    rows,
    cols,
    attrs.log,
  );
};
