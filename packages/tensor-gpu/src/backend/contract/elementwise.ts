/**
 * Elementwise ops: one-input functions (`unary`, with its gradient `unaryGrad`), two-input functions with
 * numpy broadcasting (`binary`, `binaryScalar`), `where` and `cast`.
 */
import { ArgumentError, DTypeError } from '../../errors.js';
import { type DType, isFloatDType, isIntDType } from '../dtype.js';
import { requireFloat, requireSameDType, requireShape, same } from './checks.js';
import { broadcastShapes } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Elementwise one-input functions (`unary` op attr). gelu_erf is exact GELU, gelu_tanh the GPT-2 one. */
export type UnaryKind =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'gelu_erf'
  | 'gelu_tanh'
  | 'silu'
  | 'sin'
  | 'cos';

/** Every unary kind, in a stable order (tests iterate it). */
export const UNARY_KINDS: readonly UnaryKind[] = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'tanh',
  'sigmoid',
  'relu',
  'gelu_erf',
  'gelu_tanh',
  'silu',
  'sin',
  'cos',
];

/** Arithmetic two-input functions. */
export type ArithmeticKind = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
/** Comparisons: 1 where true, 0 where false. */
export type CompareKind = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
/** Elementwise two-input functions (`binary` / `binaryScalar` op attr). */
export type BinaryKind = ArithmeticKind | CompareKind;

/** Every binary kind, in a stable order. */
export const BINARY_KINDS: readonly BinaryKind[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
];

/** True for eq/ne/lt/le/gt/ge. */
export function isCompareKind(op: BinaryKind): op is CompareKind {
  return op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
}

function requireKind<K extends string>(op: string, what: string, kind: unknown, kinds: readonly K[]): K {
  if (!(kinds as readonly unknown[]).includes(kind)) {
    throw new ArgumentError({
      operation: op,
      expected: `${what} one of ${kinds.join(', ')}`,
      found: typeof kind === 'string' ? `'${kind}'` : String(kind),
      hint: 'the names are those of UNARY_KINDS / BINARY_KINDS',
    });
  }
  return kind as K;
}

function inferBinaryDType(op: string, kind: BinaryKind, dtype: DType): DType {
  requireKind(String(op), 'the binary function', kind, BINARY_KINDS);
  if (isIntDType(dtype) && (kind === 'div' || kind === 'pow')) {
    throw new DTypeError({
      operation: op,
      expected: `float operands for ${kind}`,
      found: dtype,
      hint: "cast to 'f32' first",
    });
  }
  if (isCompareKind(kind)) return isFloatDType(dtype) ? dtype : 'f32';
  return dtype;
}

/** Signatures of the elementwise ops (`T` is how a tensor is represented). */
export interface ElementwiseOps<T> {
  /** y = f(x) elementwise; x float. */
  unary: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { op: UnaryKind } };
  /** dx = dy · f'(x) elementwise (f' recomputed from x). */
  unaryGrad: { inputs: { x: T; dy: T }; outputs: { dx: T }; inouts: NoTensors; attrs: { op: UnaryKind } };
  /**
   * y = a ∘ b with numpy broadcasting: shapes aligned on the right, a dim of 1 stretches.
   * (2,1,3) ∘ (4,1) → (2,4,3). Comparisons give 1/0 in the input dtype if float, else f32.
   * Integer inputs allow add/sub/mul/maximum/minimum and comparisons.
   */
  binary: { inputs: { a: T; b: T }; outputs: { y: T }; inouts: NoTensors; attrs: { op: BinaryKind } };
  /** y = a ∘ scalar, or scalar ∘ a when `reverse` (so 1 − x is sub with reverse). */
  binaryScalar: {
    inputs: { a: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { op: BinaryKind; scalar: number; reverse: boolean };
  };
  /** y = cond ≠ 0 ? a : b, all three broadcast together; a and b share a dtype. */
  where: { inputs: { cond: T; a: T; b: T }; outputs: { y: T }; inouts: NoTensors; attrs: NoTensors };
  /** y = x converted to `dtype` (float → int truncates toward zero; f16 rounds to nearest even). */
  cast: { inputs: { x: T }; outputs: { y: T }; inouts: NoTensors; attrs: { dtype: DType } };
}

/** Shape/dtype inference and validation of the elementwise ops. */
export const ELEMENTWISE_INFERENCE: Inferences<ElementwiseOps<TensorMeta>> = {
  unary: ({ x }, _io, { op }) => {
    requireKind('unary', 'the unary function', op, UNARY_KINDS);
    requireFloat('unary', 'x', x);
    return { y: same(x) };
  },
  unaryGrad: ({ x, dy }, _io, { op }) => {
    requireKind('unaryGrad', 'the unary function', op, UNARY_KINDS);
    requireFloat('unaryGrad', 'x', x);
    requireSameDType('unaryGrad', 'x and dy', x, dy);
    requireShape('unaryGrad', 'dy', dy, x.shape);
    return { dx: same(x) };
  },
  binary: ({ a, b }, _io, { op }) => {
    requireKind('binary', 'the binary function', op, BINARY_KINDS);
    requireSameDType(op, 'a and b', a, b);
    return { y: { shape: broadcastShapes(op, a.shape, b.shape), dtype: inferBinaryDType(op, op, a.dtype) } };
  },
  binaryScalar: ({ a }, _io, { op, scalar }) => {
    if (typeof scalar !== 'number') {
      throw new ArgumentError({
        operation: op,
        expected: 'a number scalar',
        found: `${String(scalar)} (a ${typeof scalar})`,
        hint: typeof scalar === 'string' ? 'convert it with Number(...)' : 'pass a number or a Tensor',
      });
    }
    return { y: { shape: [...a.shape], dtype: inferBinaryDType(op, op, a.dtype) } };
  },
  where: ({ cond, a, b }) => {
    requireSameDType('where', 'a and b', a, b);
    const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
    return { y: { shape, dtype: a.dtype } };
  },
  cast: ({ x }, _io, { dtype }) => ({ y: { shape: [...x.shape], dtype } }),
};
