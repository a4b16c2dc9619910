/**
 * Shape helpers used by inference, kernels and the Tensor layer: element counts, row-major strides,
 * numpy broadcasting, axis normalisation.
 */
import { formatShape, ShapeError } from '../../errors.js';
import type { DType } from '../dtype.js';

/** Number of elements: `sizeOf([2,3]) === 6`, `sizeOf([]) === 1` (a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides: `stridesOf([2,3,4])` → `[12,4,1]`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Same dims in the same order. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The numpy broadcast of shapes: `broadcastShapes('add', [2,1,3], [4,1])` → `[2,4,3]`.
 * Throws ShapeError naming the op and both shapes when a pair of dims is neither equal nor 1.
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError({
        operation: op,
        expected: 'shapes that broadcast (each dim equal or 1, aligned on the right)',
        found: `${formatShape(a)} and ${formatShape(b)}`,
        hint: 'reshape one operand, e.g. add a size-1 axis with unsqueeze()',
      });
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** `axis` in [−rank, rank) → [0, rank); ShapeError otherwise. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError({
      operation: op,
      expected: `an integer axis in [${-rank}, ${rank})`,
      found: typeof axis === 'string' ? `'${axis}' (a string)` : String(axis),
      hint: 'negative axes count from the end (-1 is the last)',
    });
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalises, sorts and de-duplicates axes; `undefined` means all axes. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new ShapeError({
      operation: op,
      expected: 'axes: an axis number, an array of them, or undefined for all',
      found: typeof axes === 'string' ? `'${axes}' (a string)` : String(axes),
      hint: 'e.g. x.sum(-1) or x.sum([0, 1])',
    });
  }
  const list = typeof axes === 'number' ? [axes] : axes;
  const set = new Set(list.map((a) => normalizeAxis(op, a, rank)));
  return [...set].sort((x, y) => x - y);
}

/** Statistics (mean, rstd, lse, per-row loss) are f64 for f64 inputs, f32 otherwise. */
export function statDType(dtype: DType): DType {
  return dtype === 'f64' ? 'f64' : 'f32';
}
