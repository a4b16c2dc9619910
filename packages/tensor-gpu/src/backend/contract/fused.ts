/**
 * Fused ops: fewer passes over memory for the patterns a transformer repeats in every block.
 *
 * - `linear`: y = act(x·Wᵀ + b) with the bias and the activation applied to each block of the product
 *   while it is still in cache (cuBLASLt's bias/GELU "epilogues"), and `biasActivationBackward`,
 *   its backward's elementwise half (dpre = dy·act'(pre) and the bias gradient in one pass).
 * - `addLayerNorm` / `addRmsNorm`: the residual add and the next norm in one pass (sum = x + r,
 *   y = norm(sum)), as llm.c's `fused_residual_forward`.
 * - In-place gradient accumulation, for a tensor that feeds several ops (its gradient is a sum):
 *   `matmulAccumulate` (c += a·b, the GEMM adds into c), `layerNormBackwardInto` /
 *   `rmsNormBackwardInto` (dx += …), and `accumulate` (acc += x) for everything else. The
 *   accumulator is an in-place tensor (`inouts`): no temporary, no separate add.
 */
import { formatShape, ShapeError } from '../../errors.js';
import { lastDim, requireFloat, requireMinRank, requireSameDType, requireShape, same } from './checks.js';
import type { UnaryKind } from './elementwise.js';
import { MATMUL_INFERENCE } from './matmul.js';
import { NORM_INFERENCE } from './norm.js';
import { shapesEqual } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** The activation of a `linear`: a unary kind, or none. */
export type LinearActivation = UnaryKind | 'none';

/** Signatures of the fused ops (`T` is how a tensor is represented). */
export interface FusedOps<T> {
  /**
   * y = act(x·Wᵀ + b) (torch's `F.linear` then the activation): x (...,K), weight (F,K) in torch's
   * (out, in) layout, bias (F) optional → y (...,F). `pre` = x·Wᵀ + b is kept for the backward when
   * there is an activation (shape (...,F)); with `activation: 'none'` it is empty (shape [0]).
   */
  linear: {
    inputs: { x: T; weight: T; bias?: T };
    outputs: { y: T; pre: T };
    inouts: NoTensors;
    attrs: { activation: LinearActivation };
  };
  /**
   * The elementwise half of linear's backward: dpre = dy·act'(pre) (...,F) and dbias = Σ over rows of
   * dpre (F), in one pass. (dx = dpre·W and dW = dpreᵀ·x are products.)
   */
  biasActivationBackward: {
    inputs: { pre: T; dy: T };
    outputs: { dpre: T; dbias: T };
    inouts: NoTensors;
    attrs: { activation: LinearActivation };
  };
  /**
   * sum = x + residual and y = layerNorm(sum) (mean, rstd as `layerNorm` saves them), one pass:
   * x, residual (...,C), weight, bias (C).
   */
  addLayerNorm: {
    inputs: { x: T; residual: T; weight: T; bias: T };
    outputs: { sum: T; y: T; mean: T; rstd: T };
    inouts: NoTensors;
    attrs: { eps: number };
  };
  /** sum = x + residual and y = rmsNorm(sum) (rstd saved), one pass. */
  addRmsNorm: {
    inputs: { x: T; residual: T; weight: T };
    outputs: { sum: T; y: T; rstd: T };
    inouts: NoTensors;
    attrs: { eps: number };
  };
  /** `layerNormBackward` adding its dx into an existing gradient: dx += ∂/∂x; dweight, dbias written. */
  layerNormBackwardInto: {
    inputs: { x: T; weight: T; mean: T; rstd: T; dy: T };
    outputs: { dweight: T; dbias: T };
    inouts: { dx: T };
    attrs: NoTensors;
  };
  /** `rmsNormBackward` adding its dx into an existing gradient; dweight written. */
  rmsNormBackwardInto: {
    inputs: { x: T; weight: T; rstd: T; dy: T };
    outputs: { dweight: T };
    inouts: { dx: T };
    attrs: NoTensors;
  };
  /** c += op(a)·op(b), `matmul`'s shapes and broadcasting; c has the product's shape. */
  matmulAccumulate: {
    inputs: { a: T; b: T };
    outputs: NoTensors;
    inouts: { c: T };
    attrs: { transA: boolean; transB: boolean };
  };
  /** acc += x elementwise (same shape and dtype). */
  accumulate: { inputs: { x: T }; outputs: NoTensors; inouts: { acc: T }; attrs: NoTensors };
}

function requireInto(op: string, into: TensorMeta, want: TensorMeta): void {
  if (!shapesEqual(into.shape, want.shape) || into.dtype !== want.dtype) {
    throw new ShapeError({
      operation: op,
      expected: `an accumulator of shape ${formatShape(want.shape)} and dtype ${want.dtype}`,
      found: `${formatShape(into.shape)} ${into.dtype}`,
    });
  }
}

/** Shape/dtype inference and validation of the fused ops. */
export const FUSED_INFERENCE: Inferences<FusedOps<TensorMeta>> = {
  linear: ({ x, weight, bias }, _io, { activation }) => {
    requireFloat('linear', 'x', x);
    requireMinRank('linear', 'x', x, 1);
    requireSameDType('linear', 'x and weight', x, weight);
    const K = lastDim(x);
    if (weight.shape.length !== 2 || weight.shape[1] !== K) {
      throw new ShapeError({
        operation: 'linear',
        expected: `weight of shape (out, ${K}) (torch's layout: y = x·Wᵀ)`,
        found: `x ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}`,
        hint: 'a (in, out) weight needs transposing',
      });
    }
    const F = weight.shape[0]!;
    if (bias) {
      requireShape('linear', 'bias', bias, [F], 'one bias per output feature');
      requireSameDType('linear', 'x and bias', x, bias);
    }
    const y = { shape: [...x.shape.slice(0, -1), F], dtype: x.dtype };
    return { y, pre: activation === 'none' ? { shape: [0], dtype: x.dtype } : { ...y, shape: [...y.shape] } };
  },
  biasActivationBackward: ({ pre, dy }) => {
    requireFloat('biasActivationBackward', 'pre', pre);
    requireMinRank('biasActivationBackward', 'pre', pre, 1);
    requireShape('biasActivationBackward', 'dy', dy, pre.shape);
    requireSameDType('biasActivationBackward', 'pre and dy', pre, dy);
    return { dpre: same(pre), dbias: { shape: [lastDim(pre)], dtype: pre.dtype } };
  },
  addLayerNorm: ({ x, residual, weight, bias }, _io, attrs) => {
    requireShape('addLayerNorm', 'residual', residual, x.shape, 'the residual branch matches the stream');
    requireSameDType('addLayerNorm', 'x and residual', x, residual);
    const { y, mean, rstd } = NORM_INFERENCE.layerNorm({ x, weight, bias }, {}, attrs);
    return { sum: same(x), y, mean, rstd };
  },
  addRmsNorm: ({ x, residual, weight }, _io, attrs) => {
    requireShape('addRmsNorm', 'residual', residual, x.shape, 'the residual branch matches the stream');
    requireSameDType('addRmsNorm', 'x and residual', x, residual);
    const { y, rstd } = NORM_INFERENCE.rmsNorm({ x, weight }, {}, attrs);
    return { sum: same(x), y, rstd };
  },
  layerNormBackwardInto: (inputs, { dx }) => {
    const out = NORM_INFERENCE.layerNormBackward(inputs, {}, {});
    requireInto('layerNormBackwardInto', dx, out.dx);
    return { dweight: out.dweight, dbias: out.dbias };
  },
  rmsNormBackwardInto: (inputs, { dx }) => {
    const out = NORM_INFERENCE.rmsNormBackward(inputs, {}, {});
    requireInto('rmsNormBackwardInto', dx, out.dx);
    return { dweight: out.dweight };
  },
  matmulAccumulate: (inputs, { c }, attrs) => {
    const { y } = MATMUL_INFERENCE.matmul(inputs, {}, attrs);
    requireInto('matmulAccumulate', c, y);
    return {};
  },
  accumulate: ({ x }, { acc }) => {
    requireFloat('accumulate', 'x', x);
    requireInto('accumulate', acc, x);
    return {};
  },
};
