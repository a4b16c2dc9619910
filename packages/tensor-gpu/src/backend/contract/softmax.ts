/**
 * Softmax and log-softmax over the last axis, and their shared backward.
 */
import { requireFloat, requireMinRank, requireSameDType, requireShape, same } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Signatures of the softmax ops (`T` is how a tensor is represented). */
export interface SoftmaxOps<T> {
  /** y_i = exp(x_i − max) / Σ_j exp(x_j − max) over the last axis. */
  softmax: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /** y_i = x_i − max − log Σ_j exp(x_j − max) over the last axis. */
  logSoftmax: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /**
   * Given y = softmax(x) (or log-softmax when `log`): softmax dx = y ⊙ (dy − Σ dy⊙y);
   * log-softmax dx = dy − exp(y) ⊙ Σ dy (sums over the last axis).
   */
  softmaxBackward: {
    inputs: { y: T; dy: T };
    outputs: { dx: T };
    inouts: NoTensors;
    attrs: { log: boolean };
  };
}

/** Shape/dtype inference and validation of the softmax ops. */
export const SOFTMAX_INFERENCE: Inferences<SoftmaxOps<TensorMeta>> = {
  softmax: ({ x }) => {
    requireFloat('softmax', 'x', x);
    requireMinRank('softmax', 'x', x, 1);
    return { y: same(x) };
  },
  logSoftmax: ({ x }) => {
    requireFloat('logSoftmax', 'x', x);
    requireMinRank('logSoftmax', 'x', x, 1);
    return { y: same(x) };
  },
  softmaxBackward: ({ y, dy }) => {
    requireFloat('softmaxBackward', 'y', y);
    requireSameDType('softmaxBackward', 'y and dy', y, dy);
    requireShape('softmaxBackward', 'dy', dy, y.shape);
    return { dx: same(y) };
  },
};
