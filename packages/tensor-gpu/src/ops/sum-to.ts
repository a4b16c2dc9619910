/**
 * `sumTo(g, shape)`: the backward of broadcasting. A gradient of the broadcast shape is summed over
 * the axes that were stretched, then reshaped to the operand's shape.
 * Example: a (3,1) broadcast against (2,3,4) → g (2,3,4) summed over axes [0, 2] → (3,1).
 */
import { shapesEqual } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { runOp } from './run.js';

/** Sums `g` down to `shape` (returns `g` itself when the shapes already match). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const { y } = runOp('reduce', g.backend, { x: g }, {}, { op: 'sum', axes, keepDims: true });
  const out = y.reshape(shape);
  y.dispose();
  return out;
}
