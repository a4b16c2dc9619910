/**
 * where(cond, a, b) = cond ≠ 0 ? a : b (broadcast); backward routes dy to the chosen side:
 * da = sumTo(where(cond, dy, 0)), db = sumTo(where(cond, 0, dy)). `maskedFill` is where with a
 * constant: maskedFill(x, mask, −∞) for attention masks.
 */
import { requireNumber } from '../arguments.js';
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';
import { sumTo } from './sum-to.js';

function constant(like: Tensor, value: number): Tensor {
  return runOp('fill', like.backend, {}, {}, { shape: [], dtype: like.dtype, value }).y;
}

/**
 * Picks from `a` where `cond` is non-zero, else from `b`.
 *
 * @example
 * ```ts
 * where(tensor([1, 0]), tensor([1, 2]), tensor([9, 9])).dataSync(); // [1, 9]
 * ```
 */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const backend = commonBackend('where', [cond, a, b]);
  const { y } = runOp('where', backend, { cond, a, b }, {}, {});
  const aShape = a.shape;
  const bShape = b.shape;
  const needA = a.requiresGrad;
  const needB = b.requiresGrad;
  record('where', [cond, a, b], y, [cond], (dy, [sc]) => {
    const zero = constant(dy, 0);
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needA) {
      const t = runOp('where', dy.backend, { cond: sc!, a: dy, b: zero }, {}, {}).y;
      da = sumTo(t, aShape);
      if (da !== t) t.dispose();
    }
    if (needB) {
      const t = runOp('where', dy.backend, { cond: sc!, a: zero, b: dy }, {}, {}).y;
      db = sumTo(t, bShape);
      if (db !== t) t.dispose();
    }
    zero.dispose();
    return [null, da, db];
  });
  return y;
}

/**
 * x with `value` wherever `mask` is non-zero (mask broadcasts).
 *
 * @example
 * ```ts
 * maskedFill(zeros([2, 2]), tensor([[0, 1], [0, 0]]), -Infinity).dataSync(); // [0, -inf, 0, 0]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  commonBackend('maskedFill', [x, mask]);
  requireNumber('maskedFill', 'value', value, {
    infinite: true,
    hint: 'the fill value is a number (-Infinity masks logits)',
  });
  const v = constant(x, value);
  const y = where(mask, v, x);
  v.dispose();
  return y;
}
