/**
 * cast to another dtype. Float → float is differentiable (dy cast back); anything to or from an
 * integer dtype is not (the result does not require grad).
 */

import { requireDTypeArg } from '../arguments.js';
import { record } from '../autograd/node.js';
import { type DType, isFloatDType } from '../backend/dtype.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

/**
 * x converted to `dtype` (a copy, even when the dtype is unchanged).
 *
 * @example
 * ```ts
 * cast(tensor([1.7, -1.7]), 'i32').dataSync(); // Int32Array [1, -1]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  requireDTypeArg('cast', dtype);
  const { y } = runOp('cast', requireTensor('cast', 'x', x).backend, { x }, {}, { dtype });
  if (isFloatDType(x.dtype) && isFloatDType(dtype)) {
    const from = x.dtype;
    record('cast', [x], y, [], (dy) => [runOp('cast', dy.backend, { x: dy }, {}, { dtype: from }).y]);
  }
  return y;
}
