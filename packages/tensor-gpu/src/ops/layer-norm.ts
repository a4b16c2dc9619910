/**
 * layerNorm over the last axis with a fused backward kernel (dx, dweight, dbias in one pass):
 * y = (x − mean)·rstd·w + b. Without weight/bias the affine part is the identity.
 */
import { type BackwardFn, record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/** A constant (C) vector like `like` (the identity affine parameters). */
export function filled(like: Tensor, c: number, value: number): Tensor {
  return runOp('fill', like.backend, {}, {}, { shape: [c], dtype: like.dtype, value }).y;
}

/**
 * The backward of a layer norm whose saved tensors are [x, w, mean, rstd]: dx (added into an
 * accumulated gradient of x in place when the tape offers one: `layerNormBackwardInto`), dweight,
 * dbias (null when not wanted).
 */
export function layerNormBackwardFn(needW: boolean, needB: boolean): BackwardFn<Tensor> {
  return (dy, [sx, sw, sm, sr], into) => {
    const inputs = { x: sx!, weight: sw!, mean: sm!, rstd: sr!, dy };
    let dx: Tensor;
    let g: { dweight: Tensor; dbias: Tensor };
    if (into[0]) {
      g = runOp('layerNormBackwardInto', dy.backend, inputs, { dx: into[0] }, {});
      dx = into[0];
    } else {
      const out = runOp('layerNormBackward', dy.backend, inputs, {}, {});
      dx = out.dx;
      g = out;
    }
    if (!needW) g.dweight.dispose();
    if (!needB) g.dbias.dispose();
    return [dx, needW ? g.dweight : null, needB ? g.dbias : null];
  };
}

/**
 * Layer normalisation over the last axis (torch.nn.functional.layer_norm with
 * normalized_shape = [C]).
 *
 * @example
 * ```ts
 * layerNorm(x, weight, bias, 1e-5); // x (B,T,C), weight (C), bias (C)
 * ```
 */
export function layerNorm(x: Tensor, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const backend = commonBackend('layerNorm', [x, weight ?? undefined, bias ?? undefined]);
  const C = x.shape[x.rank - 1] ?? 1;
  const w = weight ?? filled(x, C, 1);
  const b = bias ?? filled(x, C, 0);
  const { y, mean, rstd } = runOp('layerNorm', backend, { x, weight: w, bias: b }, {}, { eps });
  const needW = !!weight?.requiresGrad;
  const needB = !!bias?.requiresGrad;
  record('layerNorm', [x, weight, bias], y, [x, w, mean, rstd], layerNormBackwardFn(needW, needB));
  mean.dispose();
  rstd.dispose();
  if (w !== weight) w.dispose();
  if (b !== bias) b.dispose();
  return y;
}
