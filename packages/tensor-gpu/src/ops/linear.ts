/**
 * linear: y = act(x·Wᵀ + b) as one op (`linear`: the bias and the activation are applied to each
 * block of the product while it is in cache), W in torch's (out, in) layout. Backward, with
 * pre = x·Wᵀ + b saved by the forward:
 *
 *   dpre = dy·act'(pre), dbias = Σ_rows dpre     one pass (`biasActivationBackward`; `unaryGrad`
 *                                                without a bias, dy itself without an activation)
 *   dx = dpre·W,  dW = dpreᵀ·x                   products (added into an accumulated gradient in
 *                                                place when the tape offers one)
 *
 * Shapes: x (…, K), W (F, K), b (F) → y (…, F).
 */
import { record } from '../autograd/node.js';
import type { LinearActivation } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';
import { sumTo } from './sum-to.js';

/** Options of {@link linear}. */
export interface LinearFunctionOptions {
  /** Applied to x·Wᵀ + b (default `none`): e.g. `gelu_erf` for GPT's MLP, `silu` for a SwiGLU gate. */
  activation?: LinearActivation;
}

/**
 * A fully connected layer as a function: act(x·Wᵀ + b), torch's `F.linear` followed by the
 * activation, in one kernel.
 *
 * @example
 * ```ts
 * const h = linear(x, up.weight, up.bias, { activation: 'gelu_erf' }); // x (B,T,C), W (4C,C) → (B,T,4C)
 * const y = linear(h, down.weight, down.bias);                          // → (B,T,C)
 * ```
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: LinearFunctionOptions = {},
): Tensor {
  const activation = options.activation ?? 'none';
  const backend = commonBackend('linear', [x, weight, bias ?? undefined]);
  const { y, pre } = runOp('linear', backend, bias ? { x, weight, bias } : { x, weight }, {}, { activation });
  const act = activation !== 'none';
  const needX = x.requiresGrad;
  const needW = weight.requiresGrad;
  const needB = !!bias?.requiresGrad;
  const [F, K] = weight.shape as [number, number];
  record('linear', [x, weight, bias], y, act ? [x, weight, pre] : [x, weight], (dy, [sx, sw, spre], into) => {
    let dpre = dy;
    let dbias: Tensor | null = null;
    if (act && needB) {
      ({ dpre, dbias } = runOp('biasActivationBackward', dy.backend, { pre: spre!, dy }, {}, { activation }));
    } else if (act) {
      dpre = runOp('unaryGrad', dy.backend, { x: spre!, dy }, {}, { op: activation }).dx;
    } else if (needB) {
      dbias = sumTo(dy, [...dy.shape.slice(0, -1).map(() => 1), F]).reshape([F]);
    }
    const d2 = dpre.reshape([-1, F]); // (N, F)
    let dx: Tensor | null = null;
    if (needX) {
      if (into[0]) {
        const acc = into[0].reshape([-1, K]);
        runOp(
          'matmulAccumulate',
          dy.backend,
          { a: d2, b: sw! },
          { c: acc },
          { transA: false, transB: false },
        );
        acc.dispose();
        dx = into[0];
      } else {
        dx = runOp('matmul', dy.backend, { a: d2, b: sw! }, {}, { transA: false, transB: false }).y.reshape(
          sx!.shape,
        );
      }
    }
    let dw: Tensor | null = null;
    if (needW) {
      const x2 = sx!.reshape([-1, K]);
      const attrs = { transA: true, transB: false };
      if (into[1]) runOp('matmulAccumulate', dy.backend, { a: d2, b: x2 }, { c: into[1] }, attrs);
      dw = into[1] ?? runOp('matmul', dy.backend, { a: d2, b: x2 }, {}, attrs).y;
    }
    return [dx, dw, needB ? dbias : null];
  });
  pre.dispose();
  return y;
}
