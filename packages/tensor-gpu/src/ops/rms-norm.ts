/**
 * rmsNorm over the last axis (Llama): y = x · rstd · w, rstd = 1/√(mean(x²) + eps), with a fused
 * backward kernel.
 */
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

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
  record('rmsNorm', [x, weight], y, [x, w, rstd], (dy, [sx, sw, sr]) => {
    const g = runOp('rmsNormBackward', dy.backend, { x: sx!, weight: sw!, rstd: sr!, dy }, {}, {});
    if (!needW) g.dweight.dispose();
    return [g.dx, needW ? g.dweight : null];
  });
  rstd.dispose();
  if (w !== weight) w.dispose();
  return y;
}
