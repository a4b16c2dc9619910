/**
 * Fused normalisations over the last axis (LayerNorm, RMSNorm) and their backward kernels.
 */
import { requireNumber } from '../../arguments.js';
import { lastDim, requireFloat, requireMinRank, requireSameDType, requireShape, same } from './checks.js';
import { statDType } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

/** Signatures of the norm ops (`T` is how a tensor is represented). */
export interface NormOps<T> {
  /**
   * Over the last axis C: mean = Σx/C, rstd = 1/√(Σ(x−mean)²/C + eps), y = (x−mean)·rstd·w + b.
   * x (...,C), weight (C), bias (C) → y (...,C), mean (...), rstd (...) (stats f32, or f64 for f64 x).
   */
  layerNorm: {
    inputs: { x: T; weight: T; bias: T };
    outputs: { y: T; mean: T; rstd: T };
    inouts: NoTensors;
    attrs: { eps: number };
  };
  /** Backward of layerNorm from the saved mean/rstd → dx (...,C), dweight (C), dbias (C). */
  layerNormBackward: {
    inputs: { x: T; weight: T; mean: T; rstd: T; dy: T };
    outputs: { dx: T; dweight: T; dbias: T };
    inouts: NoTensors;
    attrs: NoTensors;
  };
  /** rstd = 1/√(Σx²/C + eps), y = x·rstd·w over the last axis (Llama RMSNorm). */
  rmsNorm: {
    inputs: { x: T; weight: T };
    outputs: { y: T; rstd: T };
    inouts: NoTensors;
    attrs: { eps: number };
  };
  /** Backward of rmsNorm → dx (...,C), dweight (C). */
  rmsNormBackward: {
    inputs: { x: T; weight: T; rstd: T; dy: T };
    outputs: { dx: T; dweight: T };
    inouts: NoTensors;
    attrs: NoTensors;
  };
}

function requireEps(op: string, eps: number): void {
  requireNumber(op, 'eps', eps, {
    min: 0,
    hint: 'eps keeps the division finite: 1e-5 (LayerNorm), 1e-6 (RMSNorm)',
  });
}

/** Shape/dtype inference and validation of the norm ops. */
export const NORM_INFERENCE: Inferences<NormOps<TensorMeta>> = {
  layerNorm: ({ x, weight, bias }, _io, { eps }) => {
    requireEps('layerNorm', eps);
    requireFloat('layerNorm', 'x', x);
    requireMinRank('layerNorm', 'x', x, 1);
    const C = lastDim(x);
    requireShape('layerNorm', 'weight', weight, [C], 'one weight per channel (last axis of x)');
    requireShape('layerNorm', 'bias', bias, [C], 'one bias per channel (last axis of x)');
    requireSameDType('layerNorm', 'x and weight', x, weight);
    requireSameDType('layerNorm', 'x and bias', x, bias);
    const rows = { shape: x.shape.slice(0, -1), dtype: statDType(x.dtype) };
    return { y: same(x), mean: rows, rstd: { ...rows, shape: [...rows.shape] } };
  },
  layerNormBackward: ({ x, weight, mean, rstd, dy }) => {
    requireFloat('layerNormBackward', 'x', x);
    const C = lastDim(x);
    requireShape('layerNormBackward', 'weight', weight, [C]);
    requireShape('layerNormBackward', 'mean', mean, x.shape.slice(0, -1));
    requireShape('layerNormBackward', 'rstd', rstd, x.shape.slice(0, -1));
    requireShape('layerNormBackward', 'dy', dy, x.shape);
    return { dx: same(x), dweight: same(weight), dbias: same(weight) };
  },
  rmsNorm: ({ x, weight }, _io, { eps }) => {
    requireEps('rmsNorm', eps);
    requireFloat('rmsNorm', 'x', x);
    requireMinRank('rmsNorm', 'x', x, 1);
    requireShape('rmsNorm', 'weight', weight, [lastDim(x)], 'one weight per channel (last axis of x)');
    requireSameDType('rmsNorm', 'x and weight', x, weight);
    return { y: same(x), rstd: { shape: x.shape.slice(0, -1), dtype: statDType(x.dtype) } };
  },
  rmsNormBackward: ({ x, weight, rstd, dy }) => {
    requireFloat('rmsNormBackward', 'x', x);
    requireShape('rmsNormBackward', 'weight', weight, [lastDim(x)]);
    requireShape('rmsNormBackward', 'rstd', rstd, x.shape.slice(0, -1));
    requireShape('rmsNormBackward', 'dy', dy, x.shape);
    return { dx: same(x), dweight: same(weight) };
  },
};
