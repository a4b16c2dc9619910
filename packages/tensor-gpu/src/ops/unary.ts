/**
 * Elementwise one-input functions, y = f(x), with backward dx = dy · f'(x) (the `unaryGrad` kernel
 * recomputes f' from the saved x; the table of f and f' is in `cpu/kernels/unary.ts`).
 */

import { record } from '../autograd/node.js';
import type { UnaryKind } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

/**
 * y = f(x) for one of the unary kinds.
 *
 * @example
 * ```ts
 * unary(tensor([0, 1]), 'exp').dataSync(); // Float32Array [1, 2.718…]
 * ```
 */
export function unary(x: Tensor, op: UnaryKind): Tensor {
  const { y } = runOp('unary', requireTensor(String(op), 'x', x).backend, { x }, {}, { op });
  record(op, [x], y, [x], (dy, [xs]) => [runOp('unaryGrad', dy.backend, { x: xs!, dy }, {}, { op }).dx]);
  return y;
}
