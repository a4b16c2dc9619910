/**
 * Fused optimizer updates, in place on the parameter and its state (`adamw`), and the in-place
 * scaling of a list of gradients by a device scalar (`scaleInPlace`, what gradient clipping ends with).
 */
import { formatShape, ShapeError } from '../../errors.js';
import { requireFloat, requireSameDType, requireShape } from './checks.js';
import { sizeOf } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** AdamW hyper-parameters of one update (torch.optim.AdamW semantics; `step` counts from 1). */
export interface AdamWAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/** Signatures of the optim ops (`T` is how a tensor is represented). */
export interface OptimOps<T> {
  /**
   * In-place AdamW step (torch.optim.AdamW): p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g;
   * v ← β2·v + (1−β2)·g²; p ← p − lr·(m/(1−β1^step)) / (√(v/(1−β2^step)) + eps).
   */
  adamw: { inputs: { grad: T }; outputs: NoTensors; inouts: { param: T; m: T; v: T }; attrs: AdamWAttrs };
  /**
   * xs[i] ← xs[i]·scale for every tensor of the list, in place (torch's `_foreach_mul_` with a tensor
   * scalar): `scale` is a one-element tensor of the tensors' dtype that stays on the device, so a
   * clip coefficient computed there never forces a read-back. [g1 (2,3), g2 (4)] · [0.5] → both halved.
   */
  scaleInPlace: { inputs: { scale: T }; outputs: NoTensors; inouts: { xs: readonly T[] }; attrs: NoTensors };
}

/** Shape/dtype inference and validation of the optim ops. */
export const OPTIM_INFERENCE: Inferences<OptimOps<TensorMeta>> = {
  adamw: ({ grad }, { param, m, v }) => {
    requireFloat('adamw', 'param', param);
    for (const [name, t] of [
      ['grad', grad],
      ['m', m],
      ['v', v],
    ] as const) {
      requireShape('adamw', name, t, param.shape, 'optimizer state must match its parameter');
      requireSameDType('adamw', `param and ${name}`, param, t);
    }
    return {};
  },
  scaleInPlace: ({ scale }, { xs }) => {
    requireFloat('scaleInPlace', 'scale', scale);
    if (sizeOf(scale.shape) !== 1) {
      throw new ShapeError({
        operation: 'scaleInPlace',
        expected: 'a one-element scale tensor',
        found: formatShape(scale.shape),
        hint: 'reduce the scale to a scalar first (e.g. .sum())',
      });
    }
    for (const x of xs) requireSameDType('scaleInPlace', 'scale and every tensor', scale, x);
    return {};
  },
};
