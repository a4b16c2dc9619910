/**
 * Layout ops: copies that move elements to new positions (`permute`, `slice` and its backward,
 * `concat`). `reshape` is not an op: a contiguous tensor reshapes for free.
 */
import { formatShape, ShapeError } from '../../errors.js';
import { requireAxes, requireSameDType, requireShapeAttr } from './checks.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Signatures of the layout ops (`T` is how a tensor is represented). */
export interface LayoutOps<T> {
  /** y = x with axes reordered: y.shape[i] = x.shape[perm[i]]. (2,3,4) perm [2,0,1] → (4,2,3). */
  permute: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { perm: number[] } };
  /** y = x[starts[0]:ends[0], starts[1]:ends[1], ...] (step 1, one start/end per axis). */
  slice: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { starts: number[]; ends: number[] };
  };
  /** dx = zeros(inputShape) with dy written at `starts` (the backward of slice: pad into zeros). */
  sliceBackward: {
    inputs: { dy: T };
    outputs: { dx: T };
    inouts: NoTensors;
    attrs: { starts: number[]; inputShape: number[] };
  };
  /** y = the xs joined along `axis`; all other dims equal. (2,3)+(2,5) axis 1 → (2,8). */
  concat: { inputs: { xs: readonly T[] }; outputs: { y: T }; inouts: NoTensors; attrs: { axis: number } };
}

/** Shape/dtype inference and validation of the layout ops. */
export const LAYOUT_INFERENCE: Inferences<LayoutOps<TensorMeta>> = {
  permute: ({ x }, _io, { perm }) => {
    const r = x.shape.length;
    const seen = new Set(perm);
    if (perm.length !== r || seen.size !== r || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r)) {
      throw new ShapeError({
        operation: 'permute',
        expected: `a permutation of [0..${r - 1}]`,
        found: `[${perm.join(',')}] for x ${formatShape(x.shape)}`,
        hint: `list every axis of x exactly once (${r} entries); negative axes count from the end`,
      });
    }
    return { y: { shape: perm.map((p) => x.shape[p]!), dtype: x.dtype } };
  },
  slice: ({ x }, _io, { starts, ends }) => {
    const r = x.shape.length;
    const bad =
      starts.length !== r ||
      ends.length !== r ||
      starts.some((s, i) => !Number.isInteger(s) || s < 0 || s > ends[i]! || ends[i]! > x.shape[i]!);
    if (bad) {
      throw new ShapeError({
        operation: 'slice',
        expected: `one 0 ≤ start ≤ end ≤ dim per axis of ${formatShape(x.shape)}`,
        found: `starts [${starts.join(',')}], ends [${ends.join(',')}]`,
        hint: 'Tensor.slice() resolves negative positions and missing axes; starts and ends are integers',
      });
    }
    return { y: { shape: starts.map((s, i) => ends[i]! - s), dtype: x.dtype } };
  },
  sliceBackward: ({ dy }, _io, { starts, inputShape }) => {
    requireShapeAttr('sliceBackward', inputShape);
    const ok =
      starts.length === inputShape.length &&
      dy.shape.length === inputShape.length &&
      starts.every((s, i) => s >= 0 && s + dy.shape[i]! <= inputShape[i]!);
    if (!ok) {
      throw new ShapeError({
        operation: 'sliceBackward',
        expected: `dy that fits in ${formatShape(inputShape)} at [${starts.join(',')}]`,
        found: formatShape(dy.shape),
        hint: 'dy has the shape of the slice whose gradient it is',
      });
    }
    return { dx: { shape: [...inputShape], dtype: dy.dtype } };
  },
  concat: ({ xs }, _io, { axis }) => {
    const first = xs[0];
    if (!first) {
      throw new ShapeError({
        operation: 'concat',
        expected: 'at least one tensor',
        found: 'none',
        hint: 'concat of an empty list has no shape to take',
      });
    }
    requireAxes('concat', [axis], first.shape.length);
    let total = 0;
    for (const t of xs) {
      requireSameDType('concat', 'all tensors', first, t);
      const ok =
        t.shape.length === first.shape.length && t.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new ShapeError({
          operation: 'concat',
          expected: `shapes equal except on axis ${axis}`,
          found: xs.map((u) => formatShape(u.shape)).join(', '),
          hint: 'every tensor needs the same rank and the same sizes on the other axes',
        });
      }
      total += t.shape[axis]!;
    }
    return { y: { shape: first.shape.map((d, i) => (i === axis ? total : d)), dtype: first.dtype } };
  },
};
