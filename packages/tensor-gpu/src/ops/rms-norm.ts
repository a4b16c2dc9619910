/**
 * rmsNorm over the last axis (Llama): y = x · rstd · w, rstd = 1/√(mean(x²) + eps), with a fused
 * backward kernel.
 */
import { type BackwardFn, record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/**
 * The backward of an RMS norm whose saved tensors are [x, w, rstd]: dx (added into an accumulated
 * gradient of x in place when the tape offers one: `rmsNormBackwardInto`) and dweight (null when
 * not wanted).
 */
export function rmsNormBackwardFn(needW: boolean): BackwardFn<Tensor> {
  return (dy, [sx, sw, sr], into) => {
    const inputs = { x: sx!, weight: sw!, rstd: sr!, dy };
    if (into[0]) {
      const { dweight } = runOp('rmsNormBackwardInto', dy.backend, inputs, { dx: into[0] }, {});
      if (!needW) dweight.dispose();
      return [into[0], needW ? dweight : null];
    }
    const g = runOp('rmsNormBackward', dy.backend, inputs, {}, {});
    if (!needW) g.dweight.dispose();
    return [g.dx, needW ? g.dweight : null];
  };
}

/**
 * RMS normalisation over the last axis (HF LlamaRMSNorm; without weight, w = 1).
 *
 * @example
 * ```ts
 * rmsNorm(x, weight, 1e-6); // x (B,T,C), weight (C)
 * ```
 */
export function rmsNorm(x: Tensor, weight?: Tensor | null, eps = 1e-6): Tensor {
  const backend = commonBackend('rmsNorm', [x, weight ?? undefined]);
  const C = x.shape[x.rank - 1] ?? 1;
  const w = weight ?? runOp('fill', backend, {}, {}, { shape: [C], dtype: x.dtype, value: 1 }).y;
  const { y, rstd } = runOp('rmsNorm', backend, { x, weight: w }, {}, { eps });
  const needW = !!weight?.requiresGrad;
  record('rmsNorm', [x, weight], y, [x, w, rstd], rmsNormBackwardFn(needW));
  rstd.dispose();
  if (w !== weight) w.dispose();
  return y;
}
