/**
 * The residual add fused with the norm that follows it (llm.c's `fused_residual_forward`): one pass
 * computes sum = x + r (the residual stream, which continues) and y = norm(sum) (what the next layer
 * reads). On the tape they are the two ops they replace, an add and a norm, so their gradients flow
 * as before: d(sum) gathers the stream's gradient and the norm's backward (added into it in place),
 * then goes to x and r unchanged.
 */
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { filled, layerNormBackwardFn } from './layer-norm.js';
import { rmsNormBackwardFn } from './rms-norm.js';
import { commonBackend, runOp } from './run.js';

/** The residual stream after the add, and its normalised copy. */
export interface AddNormResult {
  /** x + residual. */
  sum: Tensor;
  /** norm(x + residual). */
  y: Tensor;
}

/** The add's backward: the gradient of the sum goes to both operands unchanged. */
function recordAdd(x: Tensor, residual: Tensor, sum: Tensor): void {
  record('add', [x, residual], sum, [], (dsum) => [dsum, dsum]);
}

/**
 * x + residual and layerNorm(x + residual) in one pass.
 *
 * @example
 * ```ts
 * const { sum, y } = addLayerNorm(x, attnOut, ln2.weight, ln2.bias); // x, attnOut (B,T,C)
 * const out = sum.add(mlp(y));
 * ```
 */
export function addLayerNorm(
  x: Tensor,
  residual: Tensor,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): AddNormResult {
  const backend = commonBackend('addLayerNorm', [x, residual, weight ?? undefined, bias ?? undefined]);
  const C = x.shape[x.rank - 1] ?? 1;
  const w = weight ?? filled(x, C, 1);
  const b = bias ?? filled(x, C, 0);
  const { sum, y, mean, rstd } = runOp(
    'addLayerNorm',
    backend,
    { x, residual, weight: w, bias: b },
    {},
    { eps },
  );
  recordAdd(x, residual, sum);
  record(
    'layerNorm',
    [sum, weight, bias],
    y,
    [sum, w, mean, rstd],
    layerNormBackwardFn(!!weight?.requiresGrad, !!bias?.requiresGrad),
  );
  mean.dispose();
  rstd.dispose();
  if (w !== weight) w.dispose();
  if (b !== bias) b.dispose();
  return { sum, y };
}

/**
 * x + residual and rmsNorm(x + residual) in one pass (Llama's blocks).
 *
 * @example
 * ```ts
 * const { sum, y } = addRmsNorm(x, attnOut, norm.weight, 1e-5);
 * ```
 */
export function addRmsNorm(x: Tensor, residual: Tensor, weight?: Tensor | null, eps = 1e-6): AddNormResult {
  const backend = commonBackend('addRmsNorm', [x, residual, weight ?? undefined]);
  const C = x.shape[x.rank - 1] ?? 1;
  const w = weight ?? filled(x, C, 1);
  const { sum, y, rstd } = runOp('addRmsNorm', backend, { x, residual, weight: w }, {}, { eps });
  recordAdd(x, residual, sum);
  record('rmsNorm', [sum, weight], y, [sum, w, rstd], rmsNormBackwardFn(!!weight?.requiresGrad));
  rstd.dispose();
  if (w !== weight) w.dispose();
  return { sum, y };
}
