/**
 * Fused scaled dot-product attention (flash-style kernels) with its fused backward.
 * q (B,H,T,D), k/v (B,Hkv,S,D), H a multiple of Hkv (GQA/MQA); causal masking aligns the last query
 * with the last key (offset S−T, for KV-cache decoding). Backward recomputes the probabilities from
 * the saved log-sum-exp: dq, dk, dv (dk/dv summed over the query heads that share a kv head).
 */
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';

/** Options of attention. */
export interface AttentionOptions {
  /** Mask future keys (default false). */
  causal?: boolean;
  /** Score scale (default 1/√D). */
  scale?: number;
}

/**
 * softmax(q·kᵀ·scale [+ causal mask]) · v, per head.
 *
 * @example
 * ```ts
 * const o = attention(q, k, v, { causal: true }); // (B,H,T,D)
 * ```
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const backend = commonBackend('attention', [q, k, v]);
  const D = q.shape[3] ?? 1;
  const attrs = { causal: options.causal ?? false, scale: options.scale ?? 1 / Math.sqrt(D) };
  const { o, lse } = runOp('attention', backend, { q, k, v }, {}, attrs);
  const need = [q.requiresGrad, k.requiresGrad, v.requiresGrad];
  record('attention', [q, k, v], o, [q, k, v, o, lse], (dout, [sq, sk, sv, so, sl]) => {
    const g = runOp(
      'attentionBackward',
      dout.backend,
      { q: sq!, k: sk!, v: sv!, o: so!, lse: sl!, dout },
      {},
      attrs,
    );
    const out = [g.dq, g.dk, g.dv].map((t, i) => {
      if (need[i]) return t;
      t.dispose();
      return null;
    });
    return out;
  });
  lse.dispose();
  return o;
}
