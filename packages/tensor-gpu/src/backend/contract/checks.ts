/**
 * The validation every inference function shares: each check throws a typed error (DTypeError,
 * ShapeError) naming the op, the tensor role, what was expected and what was found.
 */
import { DTypeError, formatShape, ShapeError } from '../../errors.js';
import { type DType, isFloatDType } from '../dtype.js';
import { shapesEqual } from './shape.js';
import type { TensorMeta } from './types.js';

export function requireFloat(op: string, name: string, t: TensorMeta): void {
  if (!isFloatDType(t.dtype)) {
    throw new DTypeError({
      operation: op,
      expected: `${name} of a float dtype (f32, f16, f64)`,
      found: t.dtype,
      hint: `cast it first: ${name}.cast('f32')`,
    });
  }
}

export function requireDType(op: string, name: string, t: TensorMeta, dtype: DType): void {
  if (t.dtype !== dtype) {
    throw new DTypeError({
      operation: op,
      expected: `${name} of dtype ${dtype}`,
      found: t.dtype,
      hint: `cast it first: ${name}.cast('${dtype}')`,
    });
  }
}

export function requireSameDType(op: string, names: string, a: TensorMeta, b: TensorMeta): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError({
      operation: op,
      expected: `${names} of the same dtype`,
      found: `${a.dtype} and ${b.dtype}`,
      hint: 'cast one of them so both match',
    });
  }
}

export function requireShape(
  op: string,
  name: string,
  t: TensorMeta,
  shape: readonly number[],
  hint = `reshape ${name} to ${formatShape(shape)}`,
): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new ShapeError({
      operation: op,
      expected: `${name} of shape ${formatShape(shape)}`,
      found: formatShape(t.shape),
      hint,
    });
  }
}

export function requireRank(op: string, name: string, t: TensorMeta, rank: number, layout: string): void {
  if (t.shape.length !== rank) {
    throw new ShapeError({
      operation: op,
      expected: `${name} of rank ${rank} ${layout}`,
      found: formatShape(t.shape),
      hint: 'reshape it first',
    });
  }
}

export function requireMinRank(op: string, name: string, t: TensorMeta, rank: number): void {
  if (t.shape.length < rank) {
    throw new ShapeError({
      operation: op,
      expected: `${name} of rank ≥ ${rank}`,
      found: formatShape(t.shape),
      hint: 'add leading axes with reshape()',
    });
  }
}

export function requireShapeAttr(op: string, shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError({
        operation: op,
        expected: 'a shape of non-negative integers',
        found: formatShape(shape),
        hint: 'every size is a whole number of elements, 0 or more',
      });
    }
  }
}

export function requireAxes(op: string, axes: readonly number[], rank: number): void {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= rank || (i > 0 && a <= axes[i - 1]!)) {
      throw new ShapeError({
        operation: op,
        expected: `ascending unique axes in [0, ${rank})`,
        found: `[${axes.join(',')}]`,
        hint: 'normalise them with normalizeAxes()',
      });
    }
  }
}

export function lastDim(t: TensorMeta): number {
  return t.shape[t.shape.length - 1] ?? 1;
}

/** The output meta of an op that keeps its input's shape and dtype. */
export const same = (t: TensorMeta): TensorMeta => ({ shape: [...t.shape], dtype: t.dtype });
