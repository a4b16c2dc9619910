/**
 * Attention with an arbitrary mask, composed from differentiable primitives (matmul, where, softmax)
 * instead of the fused kernels: use it when keys must be masked beyond causality — padding in a
 * batch of left-padded prompts, packed sequences — at the cost of materialising the (B,H,T,S) scores.
 * GQA/MQA kv heads are broadcast to the query heads; `causal` uses the same S−T offset as the fused op.
 *
 * ```text
 * scores = q·kᵀ·scale            (B,H,T,S)
 * scores = allowed ? scores : −∞ (mask and/or causal)
 * o      = softmax(scores)·v     (B,H,T,D)   a row with no allowed key gives o = 0
 * ```
 */
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { full, tensor } from './creation.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { where } from './where.js';

/** Options of maskedAttention. */
export interface MaskedAttentionOptions {
  /**
   * 1 where query t may attend key j, 0 where not (Hugging Face `attention_mask` convention), any
   * shape broadcasting to (B,H,T,S): a key padding mask is (B,1,1,S).
   */
  mask?: Tensor;
  /** Also mask future keys (key j is visible to query t when j ≤ t + S − T). */
  causal?: boolean;
  /** Score scale (default 1/√D). */
  scale?: number;
}

function repeatHeads(x: Tensor, H: number): Tensor {
  const [B, Hkv, S, D] = x.shape as [number, number, number, number];
  if (Hkv === H) return x;
  const g = H / Hkv;
  const a = x.reshape([B, Hkv, 1, S, D]);
  const b = a.expand([B, Hkv, g, S, D]);
  const out = b.reshape([B, H, S, D]);
  a.dispose();
  b.dispose();
  return out;
}

/**
 * softmax(q·kᵀ·scale masked)·v with q (B,H,T,D), k/v (B,Hkv,S,D).
 *
 * @example
 * ```ts
 * // batch of 2 prompts, the second left-padded by 3 tokens
 * const keyMask = tensor([[1, 1, 1, 1, 1], [0, 0, 0, 1, 1]], undefined, 'f32', backend).reshape([2, 1, 1, 5]);
 * const o = maskedAttention(q, k, v, { mask: keyMask, causal: true });
 * ```
 */
export function maskedAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: MaskedAttentionOptions = {},
): Tensor {
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4 || q.shape[1]! % k.shape[1]! !== 0) {
    throw new ShapeError({
      operation: 'maskedAttention',
      expected: 'q (B,H,T,D), k and v (B,Hkv,S,D) with H % Hkv == 0',
      found: `q ${formatShape(q.shape)}, k ${formatShape(k.shape)}, v ${formatShape(v.shape)}`,
      hint: 'heads go on axis 1: transpose (B,T,H,D) to (B,H,T,D) first',
    });
  }
  const [, H, T, D] = q.shape as [number, number, number, number];
  const S = k.shape[2]!;
  const scale = options.scale ?? 1 / Math.sqrt(D);
  const kk = repeatHeads(k, H);
  const vv = repeatHeads(v, H);
  const raw = matmul(q, kk, { transB: true });
  let scores = raw.mul(scale); // (B,H,T,S)
  raw.dispose();
  const temps: Tensor[] = [];
  const negInf = full([], Number.NEGATIVE_INFINITY, q.dtype, q.backend);
  temps.push(negInf);
  if (options.causal) {
    const allowed = new Float32Array(T * S);
    for (let t = 0; t < T; t++) for (let j = 0; j <= Math.min(S - 1, t + S - T); j++) allowed[t * S + j] = 1;
    const causal = tensor(allowed, [T, S], 'f32', q.backend);
    temps.push(causal);
    const next = where(causal, scores, negInf);
    scores.dispose();
    scores = next;
  }
  if (options.mask) {
    const next = where(options.mask, scores, negInf);
    scores.dispose();
    scores = next;
  }
  const p = softmax(scores);
  scores.dispose();
  const o = matmul(p, vv);
  p.dispose();
  if (kk !== k) kk.dispose();
  if (vv !== v) vv.dispose();
  for (const t of temps) t.dispose();
  return o;
}
