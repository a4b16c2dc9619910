/**
 * Random ops, all drawn from Philox4x32-10 (`random/philox.ts`): element `i` uses counter
 * `offset + ⌊i/4⌋` of stream `seed`, so every backend draws the same bits.
 */
import { ArgumentError, DTypeError } from '../../errors.js';
import { type DType, type FloatDType, isFloatDType } from '../dtype.js';
import { requireFloat, requireShapeAttr, same } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

function inferRandom(op: string, shape: number[], dtype: DType): { y: TensorMeta } {
  requireShapeAttr(op, shape);
  if (!isFloatDType(dtype)) {
    throw new DTypeError({ operation: op, expected: 'a float dtype', found: dtype, hint: "use 'f32'" });
  }
  return { y: { shape: [...shape], dtype } };
}

/** Signatures of the random ops (`T` is how a tensor is represented). */
export interface RandomOps<T> {
  /** y_i = u_i < p ? 0 : x_i/(1−p), u_i = philoxUniform(seed, offset, i). Backward = same op on dy. */
  dropout: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { p: number; seed: number; offset: number };
  };
  /** y_i = low + (high − low)·philoxUniform(seed, offset, i). */
  randomUniform: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { shape: number[]; dtype: FloatDType; seed: number; offset: number; low: number; high: number };
  };
  /** y_i = mean + std·philoxNormal(seed, offset, i) (Box–Muller, see philox.ts). */
  randomNormal: {
    inputs: NoTensors;
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { shape: number[]; dtype: FloatDType; seed: number; offset: number; mean: number; std: number };
  };
}

/** Shape/dtype inference and validation of the random ops. */
export const RANDOM_INFERENCE: Inferences<RandomOps<TensorMeta>> = {
  dropout: ({ x }, _io, { p }) => {
    requireFloat('dropout', 'x', x);
    if (!(p >= 0 && p < 1)) {
      throw new ArgumentError({
        operation: 'dropout',
        expected: 'p in [0, 1)',
        found: String(p),
        hint: 'p is the probability of zeroing an element; 0 turns dropout off',
      });
    }
    return { y: same(x) };
  },
  randomUniform: (_in, _io, { shape, dtype }) => inferRandom('randomUniform', shape, dtype),
  randomNormal: (_in, _io, { shape, dtype }) => inferRandom('randomNormal', shape, dtype),
};
