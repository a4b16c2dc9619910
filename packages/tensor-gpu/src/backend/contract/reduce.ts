/**
 * Reductions over axes (`reduce`: sum, mean, max, min, and sumSquares = Σx² in one pass, what a
 * gradient norm needs) and their inverse, `expand` (broadcast to a
 * larger shape, what a sum-reduction's backward needs).
 */
import { requireChoice } from '../../arguments.js';
import { formatShape, ShapeError } from '../../errors.js';
import { requireAxes, requireFloat, requireShapeAttr } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Reductions over axes; `sumSquares` is Σx² (one pass, no squared temporary). */
export type ReduceKind = 'sum' | 'mean' | 'max' | 'min' | 'sumSquares';

/** Signatures of the reduce ops (`T` is how a tensor is represented). */
export interface ReduceOps<T> {
  /**
   * y = reduce over `axes` (ascending, unique); keepDims keeps them as size 1. (2,3,4) sum [1] → (2,4).
   * Sums (sum, mean, sumSquares) accumulate in at least f32 (f64 for f64 tensors).
   */
  reduce: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { op: ReduceKind; axes: number[]; keepDims: boolean };
  };
  /** y = x broadcast to `shape` (the inverse of a sum-reduction, used in backward). (3,1) → (2,3,4). */
  expand: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { shape: number[] } };
}

/** Shape/dtype inference and validation of the reduce ops. */
export const REDUCE_INFERENCE: Inferences<ReduceOps<TensorMeta>> = {
  reduce: ({ x }, _io, { op, axes, keepDims }) => {
    requireChoice('reduce', 'op', op, ['sum', 'mean', 'max', 'min', 'sumSquares']);
    requireAxes(op, axes, x.shape.length);
    if (op === 'mean' || op === 'sumSquares') requireFloat(op, 'x', x);
    if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
      throw new ShapeError({
        operation: op,
        expected: 'non-empty reduced axes',
        found: formatShape(x.shape),
        hint: 'max/min of nothing is undefined',
      });
    }
    const shape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    return { y: { shape, dtype: x.dtype } };
  },
  expand: ({ x }, _io, { shape }) => {
    requireShapeAttr('expand', shape);
    const ok =
      x.shape.length <= shape.length &&
      x.shape.every((d, i) => d === 1 || d === shape[shape.length - x.shape.length + i]);
    if (!ok) {
      throw new ShapeError({
        operation: 'expand',
        expected: `a shape that broadcasts to ${formatShape(shape)}`,
        found: formatShape(x.shape),
        hint: 'only size-1 (or missing leading) dims can stretch',
      });
    }
    return { y: { shape: [...shape], dtype: x.dtype } };
  },
};
