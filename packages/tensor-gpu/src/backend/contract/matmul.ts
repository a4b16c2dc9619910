/**
 * Matrix product with optional transposes and batch broadcasting.
 */
import { formatShape, ShapeError } from '../../errors.js';
import { requireFloat, requireMinRank, requireSameDType } from './checks.js';
import { broadcastShapes } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

function matmulDims(t: TensorMeta, trans: boolean): [number, number] {
  const r = t.shape.length;
  const rows = t.shape[r - 2]!;
  const cols = t.shape[r - 1]!;
  return trans ? [cols, rows] : [rows, cols];
}

/** Signatures of the matmul ops (`T` is how a tensor is represented). */
export interface MatmulOps<T> {
  /**
   * y = op(a) @ op(b), op = transpose of the last two dims when trans*. a (...,M,K), b (...,K,N) →
   * (...,M,N); batch dims broadcast like `binary`. Both ranks ≥ 2 (the Tensor layer lifts vectors).
   */
  matmul: {
    inputs: { a: T; b: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { transA: boolean; transB: boolean };
  };
}

/** Shape/dtype inference and validation of the matmul ops. */
export const MATMUL_INFERENCE: Inferences<MatmulOps<TensorMeta>> = {
  matmul: ({ a, b }, _io, { transA, transB }) => {
    requireFloat('matmul', 'a', a);
    requireSameDType('matmul', 'a and b', a, b);
    requireMinRank('matmul', 'a', a, 2);
    requireMinRank('matmul', 'b', b, 2);
    const [M, K] = matmulDims(a, transA);
    const [K2, N] = matmulDims(b, transB);
    if (K !== K2) {
      throw new ShapeError({
        operation: 'matmul',
        expected: 'inner dimensions to match',
        found: `${formatShape(a.shape)}${transA ? 'ᵀ' : ''} @ ${formatShape(b.shape)}${transB ? 'ᵀ' : ''}`,
        hint: 'transpose the right operand?',
      });
    }
    const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    return { y: { shape: [...batch, M, N], dtype: a.dtype } };
  },
};
