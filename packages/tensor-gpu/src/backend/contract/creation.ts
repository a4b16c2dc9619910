/**
 * Ops with no tensor input that create one: constants (`fill`) and ranges (`arange`).
 */
import type { DType } from '../dtype.js';
import { requireShapeAttr } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Signatures of the creation ops (`T` is how a tensor is represented). */
export interface CreationOps<T> {
  /** y = value everywhere. */
  fill: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { shape: number[]; dtype: DType; value: number };
  };
  /** y_i = start + i · step, i < size. */
  arange: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { start: number; step: number; size: number; dtype: DType };
  };
}

/** Shape/dtype inference and validation of the creation ops. */
export const CREATION_INFERENCE: Inferences<CreationOps<TensorMeta>> = {
  fill: (_in, _io, { shape, dtype }) => {
    requireShapeAttr('fill', shape);
    return { y: { shape: [...shape], dtype } };
  },
  arange: (_in, _io, { size, dtype }) => {
    requireShapeAttr('arange', [size]);
    return { y: { shape: [size], dtype } };
  },
};
