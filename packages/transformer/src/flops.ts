/**
 * Parameter and FLOP accounting from a config alone (no model needed).
 *
 * Worked example, GPT-2 124M (V=50257, T=1024, L=12, C=768, F=3072, biases, tied):
 *   embeddings   V·C + T·C                      = 38,597,376 + 786,432
 *   one block    2 LayerNorms 4·C               =      3,072
 *                qkv C·3C + 3C, proj C·C + C    =  2,362,368
 *                mlp C·F + F + F·C + C          =  4,722,432
 *   12 blocks                                   = 85,054,464
 *   final norm   2·C                            =      1,536
 *   total                                       = 124,439,808   (HF reports the same)
 */

import { type ModelConfig, type ModelConfigInput, resolveConfig } from './config.js';

/** Parameters of one block, split into matmul weights (which cost FLOPs) and the rest. */
function blockCounts(c: ModelConfig): { matmul: number; other: number } {
  const C = c.nEmbd;
  const qDim = c.nHead * c.headDim;
  const kvDim = c.nKvHead * c.headDim;
  const F = c.ffnHidden;
  const attnW = C * qDim + 2 * C * kvDim + qDim * C;
  const attnB = c.bias ? qDim + 2 * kvDim + C : 0;
  const gated = c.activation === 'swiglu';
  const mlpW = (gated ? 3 : 2) * C * F;
  const mlpB = c.bias ? (gated ? 2 : 1) * F + C : 0;
  const norms = 2 * (c.norm === 'layernorm' && c.bias ? 2 * C : C);
  return { matmul: attnW + mlpW, other: attnB + mlpB + norms };
}

/**
 * The number of parameters a model of this config has (tied embeddings counted once).
 *
 * @example
 * ```ts
 * countParams(presets.gpt2); // 124439808
 * ```
 */
export function countParams(config: ModelConfigInput | ModelConfig): number {
  const c = resolveConfig(config);
  const C = c.nEmbd;
  const block = blockCounts(c);
  const embeddings = c.vocabSize * C + (c.positions === 'learned' ? c.contextLength * C : 0);
  const finalNorm = c.norm === 'layernorm' && c.bias ? 2 * C : C;
  const lmHead = c.tiedEmbeddings ? 0 : c.vocabSize * C;
  return embeddings + c.nLayer * (block.matmul + block.other) + finalNorm + lmHead;
}

/**
 * Training FLOPs per token (forward + backward) of a config at sequence length `seqLen`.
 *
 *   flops = 6·N + 12·L·nh·hs·T
 *
 * - N counts the weights that take part in a matrix multiply for every token: q, k, v, o and the MLP
 *   matrices of every block, plus the output projection V·C (whether tied or not). Embedding lookups,
 *   biases and norms are left out (they cost O(N) adds, not multiply-adds). Each such weight costs
 *   2 FLOPs in the forward pass and 4 in the backward pass (gradient of input and of weight): 6·N.
 * - Attention scores q·kᵀ and the weighted sum of v cost 2·nh·hs·T each per token per layer in the
 *   forward pass, ×3 with backward: 12·L·nh·hs·T. T is the full `seqLen` (the causal mask's
 *   savings are not subtracted), as in the PaLM paper's appendix B and nanoGPT's `estimate_mfu`.
 *
 * @param seqLen tokens per sequence; default the config's contextLength.
 * @example
 * ```ts
 * flopsPerToken(presets.gpt2); // 854438400 = 6·123,532,032 + 12·12·768·1024
 * ```
 */
export function flopsPerToken(config: ModelConfigInput | ModelConfig, seqLen?: number): number {
  const c = resolveConfig(config);
  const T = seqLen ?? c.contextLength;
  const N = c.nLayer * blockCounts(c).matmul + c.vocabSize * c.nEmbd;
  return 6 * N + 12 * c.nLayer * c.nHead * c.headDim * T;
}

/**
 * Model FLOPs utilization: the fraction of a device's peak FLOP/s that training at `tokensPerSecond`
 * uses, counting {@link flopsPerToken} (no recomputation counted, even with activation checkpointing).
 *
 * @param peakFlops the device's peak FLOP/s for the dtype trained in (e.g. 66.9e12 for H100 f32).
 * @example
 * ```ts
 * mfu(47_000, presets.gpt2, 66.9e12); // ≈ 0.60 (PyTorch fp32 on an H100)
 * ```
 */
export function mfu(
  tokensPerSecond: number,
  config: ModelConfigInput | ModelConfig,
  peakFlops: number,
  seqLen?: number,
): number {
  return (tokensPerSecond * flopsPerToken(config, seqLen)) / peakFlops;
}
