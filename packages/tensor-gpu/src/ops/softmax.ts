/**
 * softmax / logSoftmax over an axis (the last by default) with fused backward kernels:
 * softmax dx = y ⊙ (dy − Σ dy⊙y); logSoftmax dx = dy − exp(y) ⊙ Σ dy. Another axis is moved last,
 * processed, and moved back.
 */

import { record } from '../autograd/node.js';
import { normalizeAxis } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { transpose } from './permute.js';
import { requireTensor, runOp } from './run.js';

function lastAxis(x: Tensor, log: boolean): Tensor {
  const { y } = runOp(log ? 'logSoftmax' : 'softmax', x.backend, { x }, {}, {});
  record(log ? 'logSoftmax' : 'softmax', [x], y, [y], (dy, [sy]) => [
    runOp('softmaxBackward', dy.backend, { y: sy!, dy }, {}, { log }).dx,
  ]);
  return y;
}

function alongAxis(x: Tensor, axis: number, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  const a = normalizeAxis(op, axis, requireTensor(op, 'x', x).rank);
  if (a === x.rank - 1) return lastAxis(x, log);
  const t = transpose(x, a, -1);
  const s = lastAxis(t, log);
  const y = transpose(s, a, -1);
  t.dispose();
  s.dispose();
  return y;
}

/**
 * exp(x − max) / Σ exp(x − max) along `axis`.
 *
 * @example
 * ```ts
 * softmax(tensor([1, 2, 3])).dataSync(); // [0.090, 0.245, 0.665]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return alongAxis(x, axis, false);
}

/**
 * x − max − log Σ exp(x − max) along `axis` (log-probabilities).
 *
 * @example
 * ```ts
 * logSoftmax(tensor([1, 2, 3])).dataSync(); // [-2.408, -1.408, -0.408]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return alongAxis(x, axis, true);
}
