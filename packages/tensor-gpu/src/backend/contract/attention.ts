/**
 * Fused scaled dot-product attention (MHA, GQA, MQA, causal with a KV-cache offset) and its
 * backward, and the rotary position embedding applied to q and k before it.
 */
import { requireNumber } from '../../arguments.js';
import { formatShape, ShapeError } from '../../errors.js';
import { lastDim, requireFloat, requireRank, requireSameDType, requireShape, same } from './checks.js';
import { statDType } from './shape.js';
import type { Inferences, NoTensors, TensorMeta } from './types.js';

function inferAttention(
  op: string,
  q: TensorMeta,
  k: TensorMeta,
  v: TensorMeta,
  causal: boolean,
  scale: number,
): void {
  requireNumber(op, 'scale', scale, { hint: 'the usual scale is 1/√D (the default)' });
  requireFloat(op, 'q', q);
  requireRank(op, 'q', q, 4, '(B,H,T,D)');
  requireRank(op, 'k', k, 4, '(B,Hkv,S,D)');
  requireSameDType(op, 'q and k', q, k);
  requireSameDType(op, 'q and v', q, v);
  const [B, H, T, D] = q.shape as [number, number, number, number];
  const [Bk, Hkv, S, Dk] = k.shape as [number, number, number, number];
  if (Bk !== B || Dk !== D || Hkv === 0 || H % Hkv !== 0) {
    throw new ShapeError({
      operation: op,
      expected: 'k of shape (B,Hkv,S,D) with the batch and head size of q and H % Hkv == 0',
      found: `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}`,
      hint: 'heads go on axis 1: transpose (B,T,H,D) to (B,H,T,D) first',
    });
  }
  requireShape(op, 'v', v, k.shape, 'v must have the shape of k');
  if (causal && S < T) {
    throw new ShapeError({
      operation: op,
      expected: 'causal attention with at least as many keys as queries (S ≥ T)',
      found: `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}`,
      hint: 'with a KV cache, k/v hold the cached keys plus the new ones',
    });
  }
}

/** Signatures of the attention ops (`T` is how a tensor is represented). */
export interface AttentionOps<T> {
  /**
   * Scaled dot-product attention. q (B,H,T,D), k/v (B,Hkv,S,D), H % Hkv == 0 (query head h reads kv
   * head ⌊h·Hkv/H⌋: GQA/MQA). s = q·kᵀ·scale; with `causal` query t sees keys j ≤ t + (S−T) (the
   * KV-cache offset); p = softmax(s); o = p·v (B,H,T,D); lse = log Σ exp(s) (B,H,T) (f32/f64).
   */
  attention: {
    inputs: { q: T; k: T; v: T };
    outputs: { o: T; lse: T };
    inouts: NoTensors;
    attrs: { causal: boolean; scale: number };
  };
  /** Backward of attention (recomputes p from lse) → dq (B,H,T,D), dk, dv (B,Hkv,S,D). */
  attentionBackward: {
    inputs: { q: T; k: T; v: T; o: T; lse: T; dout: T };
    outputs: { dq: T; dk: T; dv: T };
    inouts: NoTensors;
    attrs: { causal: boolean; scale: number };
  };
  /**
   * Rotary embedding, rotate-half layout (HF Llama): for i < D/2, position p = offset + t,
   * θ_i = theta^(−2i/D), (x_i, x_{i+D/2}) → (x_i·cos − x_{i+D/2}·sin, x_{i+D/2}·cos + x_i·sin).
   * `inverse` rotates by −pθ (the backward). x (B,H,T,D), D even.
   */
  rope: {
    inputs: { x: T };
    outputs: { y: T };
    inouts: NoTensors;
    attrs: { theta: number; offset: number; inverse: boolean };
  };
}

/** Shape/dtype inference and validation of the attention ops. */
export const ATTENTION_INFERENCE: Inferences<AttentionOps<TensorMeta>> = {
  attention: ({ q, k, v }, _io, { causal, scale }) => {
    inferAttention('attention', q, k, v, causal, scale);
    return { o: same(q), lse: { shape: q.shape.slice(0, 3), dtype: statDType(q.dtype) } };
  },
  attentionBackward: ({ q, k, v, o, lse, dout }, _io, { causal, scale }) => {
    inferAttention('attentionBackward', q, k, v, causal, scale);
    requireShape('attentionBackward', 'o', o, q.shape);
    requireShape('attentionBackward', 'dout', dout, q.shape);
    requireShape('attentionBackward', 'lse', lse, q.shape.slice(0, 3));
    return { dq: same(q), dk: same(k), dv: same(v) };
  },
  rope: ({ x }, _io, { theta, offset }) => {
    requireNumber('rope', 'theta', theta, {
      min: 0,
      minExclusive: true,
      hint: 'theta is the frequency base: 10000 in Llama 2, 500000 in Llama 3',
    });
    requireNumber('rope', 'offset', offset, {
      integer: true,
      min: 0,
      hint: 'offset is the position of the first time step (the KV-cache length), 0 or more',
    });
    requireFloat('rope', 'x', x);
    requireRank('rope', 'x', x, 4, '(B,H,T,D)');
    if (lastDim(x) % 2 !== 0) {
      throw new ShapeError({
        operation: 'rope',
        expected: 'an even head size D',
        found: formatShape(x.shape),
        hint: 'rotary embedding rotates pairs (i, i + D/2)',
      });
    }
    return { y: same(x) };
  },
};
