/**
 * layerNorm over the last axis with a fused backward kernel (dx, dweight, dbias in one pass):
 * y = (x − mean)·rstd·w + b. Without weight/bias the affine part is the identity.
 */
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

function filled(like: Tensor, c: number, value: number): Tensor {
  return runOp('fill', like.backend, {}, {}, { shape: [c], dtype: like.dtype, value }).y;
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
  record('layerNorm', [x, weight, bias], y, [x, w, mean, rstd], (dy, [sx, sw, sm, sr]) => {
    const g = runOp(
      'layerNormBackward',
      dy.backend,
      { x: sx!, weight: sw!, mean: sm!, rstd: sr!, dy },
      {},
      {},
    );
    if (!needW) g.dweight.dispose();
    if (!needB) g.dbias.dispose();
    return [g.dx, needW ? g.dweight : null, needB ? g.dbias : null];
  });
  mean.dispose();
  rstd.dispose();
  if (w !== weight) w.dispose();
  if (b !== bias) b.dispose();
  return y;
}
