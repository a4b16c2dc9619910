/**
 * CPU AdamW update, in place, matching `torch.optim.AdamW` (single-tensor path, `amsgrad=False`).
 *
 * For every element, with `step` the 1-based count of updates including this one:
 *
 * ```text
 * param ← param · (1 − lr · weightDecay)            decoupled decay, before the Adam step
 * m     ← β1 · m + (1 − β1) · g
 * v     ← β2 · v + (1 − β2) · g²
 * param ← param − (lr / (1 − β1^step)) · m / (sqrt(v) / sqrt(1 − β2^step) + eps)
 * ```
 *
 * The order of operations is torch's (bias corrections folded into the step size and the denominator),
 * so float32 results agree with PyTorch to rounding. `param`, `m` and `v` are updated in place.
 */
import type { FloatArray } from '../../backend/dtype.js';
import { type CpuKernel, floatData } from './kernel.js';

/** AdamW hyper-parameters of one update. */
export interface AdamWSpec {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1 on the first update. */
  step: number;
}

/**
 * One AdamW update of `param` (and its moments `m`, `v`) from `grad`, all the same length.
 *
 * @example
 * ```ts
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamwCpu(p, m, v, new Float32Array([0.5]),
 *   { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 });
 * // first step moves by ≈ lr·sign(g): p ≈ [0.9], m = [0.05], v = [0.00025]
 * ```
 */
export function adamwCpu(
  param: FloatArray,
  m: FloatArray,
  v: FloatArray,
  grad: FloatArray,
  spec: AdamWSpec,
): void {
  const { lr, beta1, beta2, eps, weightDecay, step } = spec;
  const decay = 1 - lr * weightDecay;
  const stepSize = lr / (1 - beta1 ** step);
  // torch divides by sqrt(1 − β2^step); multiplying by its inverse is the same to rounding and
  // saves a division per element (measured 1.2× on 530k parameters).
  const invBc2Sqrt = 1 / Math.sqrt(1 - beta2 ** step);
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    m[i] = beta1 * m[i]! + c1 * g;
    v[i] = beta2 * v[i]! + c2 * g * g;
    // Read m and v back: in f32 storage the step uses the rounded moments, as torch does.
    param[i] = param[i]! * decay - (stepSize * m[i]!) / (Math.sqrt(v[i]!) * invBc2Sqrt + eps);
  }
}

/** The contract's `adamw` kernel: updates the inouts param, m, v in place from grad. */
export const adamwKernel: CpuKernel<'adamw'> = ({ inputs: { grad }, inouts: { param, m, v }, attrs }) => {
  const op = 'adamw';
  adamwCpu(
    floatData(op, param.storage),
    floatData(op, m.storage),
    floatData(op, v.storage),
    floatData(op, grad.storage),
    attrs,
  );
};
