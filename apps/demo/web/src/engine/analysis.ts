/**
 * One forward pass that keeps what the Explain view shows: the attention probabilities of every
 * layer and head, and the next-token scores after the last position.
 *
 *   ids (1, T) ─► model.embed ─► for each block:  h = ln1(x)
 *                                                q = h·Wqᵀ, k = h·Wkᵀ (heads; RoPE for Llama)   ─► kept
 *                                                x = block(x)             (the model's own forward)
 *              ─► model.head (last position) ─► logits (V)
 *   then on the host, per layer and head:  A[t, s] = softmax_s≤t(q_t · k_s / √hs)   (T, T), float64
 *
 * The fused attention kernel never materialises A, so the page recomputes it from the same q and k
 * the block uses (test/analysis.test.ts checks that A·v through the output projection gives the
 * block's attention output). Grouped-query models: query head h reads key head ⌊h / (nh/nkv)⌋.
 */
import { noGrad, rope, type Tensor, tidy } from '@llmforge/tensor-gpu';
import { type CausalSelfAttention, type Model, toIdsTensor } from '@llmforge/transformer';

/** What {@link analyse} returns. */
export interface Analysis {
  /** Tokens analysed. */
  T: number;
  nLayer: number;
  nHead: number;
  /** Next-token scores after the last position, (V). */
  logits: Float32Array;
  /** Attention probabilities, (nLayer, nHead, T, T) row-major: row t is query t, zero above the diagonal. */
  attention: Float32Array;
}

/** Queries (1, nh, T, hs) and keys (1, nkv, T, hs) of one attention module for its input h (1, T, C). */
export function queriesAndKeys(attn: CausalSelfAttention, h: Tensor): { q: Tensor; k: Tensor } {
  const c = attn.config;
  const T = h.shape[1]!;
  const heads = (t: Tensor, n: number) => t.reshape([1, T, n, c.headDim]).permute([0, 2, 1, 3]);
  let q = heads(attn.q.forward(h), c.nHead);
  let k = heads(attn.k.forward(h), c.nKvHead);
  if (c.positions === 'rope') {
    q = rope(q, { theta: c.ropeTheta, offset: 0 });
    k = rope(k, { theta: c.ropeTheta, offset: 0 });
  }
  return { q, k };
}

/**
 * Causal attention probabilities from queries (nh, T, hs) and keys (nkv, T, hs), into `out` at
 * `offset` as (nh, T, T), computed in float64.
 *
 * @example
 * ```ts
 * // one head, two tokens, hs = 1: q = [0, 1], k = [0, 2] → row 1 = softmax([0, 2]) = [0.119, 0.881]
 * attentionProbabilities(Float32Array.from([0, 1]), Float32Array.from([0, 2]), 1, 1, 2, 1, out, 0);
 * ```
 */
export function attentionProbabilities(
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  nh: number,
  nkv: number,
  T: number,
  hs: number,
  out: Float32Array,
  offset: number,
): void {
  const scale = 1 / Math.sqrt(hs);
  const group = nh / nkv;
  const row = new Float64Array(T);
  for (let h = 0; h < nh; h++) {
    const kh = Math.floor(h / group);
    for (let t = 0; t < T; t++) {
      const qAt = (h * T + t) * hs;
      let max = Number.NEGATIVE_INFINITY;
      for (let s = 0; s <= t; s++) {
        const kAt = (kh * T + s) * hs;
        let dot = 0;
        for (let i = 0; i < hs; i++) dot += q[qAt + i]! * k[kAt + i]!;
        row[s] = dot * scale;
        if (row[s]! > max) max = row[s]!;
      }
      let total = 0;
      for (let s = 0; s <= t; s++) {
        row[s] = Math.exp(row[s]! - max);
        total += row[s]!;
      }
      const base = offset + (h * T + t) * T;
      for (let s = 0; s <= t; s++) out[base + s] = row[s]! / total;
    }
  }
}

/**
 * Runs `model` on `ids` (at most its context length) and returns the last position's logits and
 * every attention map.
 *
 * @example
 * ```ts
 * const a = await analyse(model, tokenizer.encode('It is a truth'));
 * a.attention[((layer * a.nHead + head) * a.T + t) * a.T + s]; // how much token t attends to token s
 * ```
 */
export async function analyse(model: Model, ids: readonly number[]): Promise<Analysis> {
  const c = model.config;
  const T = ids.length;
  const kept = tidy(() =>
    noGrad(() => {
      const idsT = toIdsTensor('analyse', 'ids', [ids as number[]], model.backend, c.vocabSize);
      let x = model.embed(idsT); // (1, T, C)
      const qk: { q: Tensor; k: Tensor }[] = [];
      for (const block of model.h) {
        qk.push(queriesAndKeys(block.attn, block.ln1.forward(x)));
        x = block.forward(x); // (1, T, C)
      }
      const { logits } = model.head(x, undefined, false, 'last'); // (1, 1, V)
      return { qk, logits: logits! };
    }),
  );
  try {
    const attention = new Float32Array(c.nLayer * c.nHead * T * T);
    for (let l = 0; l < kept.qk.length; l++) {
      const { q, k } = kept.qk[l]!;
      const [qd, kd] = await Promise.all([q.data(), k.data()]);
      attentionProbabilities(qd, kd, c.nHead, c.nKvHead, T, c.headDim, attention, l * c.nHead * T * T);
    }
    const logits = Float32Array.from(await kept.logits.data());
    return { T, nLayer: c.nLayer, nHead: c.nHead, logits, attention };
  } finally {
    for (const { q, k } of kept.qk) {
      q.dispose();
      k.dispose();
    }
    kept.logits.dispose();
  }
}
