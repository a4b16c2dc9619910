/**
 * CPU scaled-dot-product attention, flash-style: tiled, with an online softmax, so the T×S score matrix
 * is never materialised; backward recomputes the scores from the saved log-sum-exp (FlashAttention-2).
 *
 * Shapes (B batch, H query heads, Hkv key/value heads, T queries, S keys, D head size):
 *
 * ```text
 * q (B, H, T, D)    k, v (B, Hkv, S, D)    H % Hkv == 0: query head h reads kv head ⌊h / (H/Hkv)⌋
 * o (B, H, T, D)    lse (B, H, T) = log Σ_s exp(scale · q·k_s) over the keys the query may see
 * ```
 *
 * Causal masking uses the key offset `S − T`: query t sees keys s ≤ t + (S − T). With S == T that is
 * the usual lower triangle; when decoding one token with a KV cache (T = 1) the query sees every key.
 *
 * Forward, for a tile of Br queries, sweeping key tiles of Bc keys (m running max, l running sum):
 *
 * ```text
 * S   = scale · Q_t K_sᵀ                      (Br×Bc, masked entries −∞)
 * m'  = max(m, rowmax S);  α = exp(m − m')
 * P   = exp(S − m');  l = α·l + rowsum P;  acc = α·acc + P V_s
 * end: o = acc / l,  lse = m + log l
 * ```
 *
 * Backward, per (key tile, query tile), with Δ_t = rowsum(dO ⊙ O) computed once:
 *
 * ```text
 * P  = exp(scale · Q Kᵀ − lse)      dV += Pᵀ dO      dP = dO Vᵀ
 * dS = P ⊙ (dP − Δ) · scale          dQ += dS K       dK += dSᵀ Q
 * ```
 *
 * dK and dV of a kv head sum over the query heads that share it (GQA/MQA). The tile products run on
 * the packed GEMM. Tiles (scores, probabilities, output and gradient accumulators) are stored in
 * the dtype of q — float32 tiles let the products run on the WebAssembly SIMD GEMM (accumulating in
 * float32, like GPU flash attention), float64 tiles keep gradchecks exact; softmax statistics (running
 * max and sum, lse) are float64 numbers either way. A query row that sees no key (only possible when T > S
 * under the causal mask) gets o = 0 and lse = −∞, and contributes no gradient.
 */
import type { FloatArray } from '../../backend/dtype.js';
import { gemm } from './gemm/gemm.js';
import { type CpuKernel, floatData } from './kernel.js';

/** Sizes and options of one attention call. */
export interface AttentionSpec {
  B: number;
  H: number;
  Hkv: number;
  T: number;
  S: number;
  D: number;
  causal: boolean;
  /** Multiplies q·k; usually 1/sqrt(D). */
  scale: number;
}

/** Queries per tile. */
const BR = 32;
/** Keys per tile. */
const BC = 64;

/** Tiles are float64 for float64 inputs (gradchecks), float32 otherwise (the SIMD GEMM path). */
function tileArray(q: FloatArray): Float32ArrayConstructor | Float64ArrayConstructor {
  return q instanceof Float64Array ? Float64Array : Float32Array;
}

/** Last key (exclusive) that any query in [t0, t1) may see. */
function keyEnd(spec: AttentionSpec, t1: number): number {
  return spec.causal ? Math.max(0, Math.min(spec.S, t1 + spec.S - spec.T)) : spec.S;
}

/**
 * Attention forward: writes `o (B,H,T,D)` and `lse (B,H,T)`.
 *
 * @example
 * ```ts
 * // One query, two keys with equal scores: o is the mean of the two value rows.
 * const o = new Float32Array(1), lse = new Float32Array(1);
 * attentionCpu(new Float32Array([1]), new Float32Array([1, 1]), new Float32Array([2, 4]), o, lse,
 *   { B: 1, H: 1, Hkv: 1, T: 1, S: 2, D: 1, causal: false, scale: 1 });
 * // o = [3], lse = [1 + log 2]
 * ```
 */
export function attentionCpu(
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  o: FloatArray,
  lse: FloatArray,
  spec: AttentionSpec,
): void {
  const { B, H, Hkv, T, S, D, causal, scale } = spec;
  const group = H / Hkv;
  const off = S - T;
  const Tile = tileArray(q);
  const scores = new Tile(BR * BC);
  const acc = new Tile(BR * D);
  const mRow = new Float64Array(BR);
  const lRow = new Float64Array(BR);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      const qBase = (b * H + h) * T * D;
      const kBase = (b * Hkv + kvh) * S * D;
      const lseBase = (b * H + h) * T;
      for (let t0 = 0; t0 < T; t0 += BR) {
        const br = Math.min(BR, T - t0);
        mRow.fill(Number.NEGATIVE_INFINITY);
        lRow.fill(0);
        acc.fill(0);
        const sEnd = keyEnd(spec, t0 + br);
        for (let s0 = 0; s0 < sEnd; s0 += BC) {
          const bc = Math.min(BC, sEnd - s0);
          // scores (br×bc) = Q_t (br×D) · K_sᵀ (D×bc)
          gemm({
            m: br,
            n: bc,
            k: D,
            a: q,
            aOffset: qBase + t0 * D,
            aRowStride: D,
            aColStride: 1,
            b: k,
            bOffset: kBase + s0 * D,
            bRowStride: 1,
            bColStride: D,
            c: scores,
            cOffset: 0,
            ldc: bc,
          });
          for (let i = 0; i < br; i++) {
            const row = i * bc;
            // Keys s0 + j with j >= limit are masked for this query.
            const limit = causal ? Math.min(bc, t0 + i + off + 1 - s0) : bc;
            let rowMax = Number.NEGATIVE_INFINITY;
            for (let j = 0; j < limit; j++) {
              const sv = scores[row + j]! * scale;
              scores[row + j] = sv;
              if (sv > rowMax) rowMax = sv;
            }
            const mOld = mRow[i]!;
            const mNew = Math.max(rowMax, mOld);
            let sum = 0;
            if (mNew === Number.NEGATIVE_INFINITY) {
              scores.fill(0, row, row + bc);
              continue;
            }
            for (let j = 0; j < limit; j++) {
              const p = Math.exp(scores[row + j]! - mNew);
              scores[row + j] = p;
              sum += p;
            }
            for (let j = Math.max(limit, 0); j < bc; j++) scores[row + j] = 0;
            const alpha = Math.exp(mOld - mNew); // exp(−∞) = 0 on the first tile
            if (alpha !== 1) for (let d = 0, a = i * D; d < D; d++) acc[a + d]! *= alpha;
            lRow[i] = lRow[i]! * alpha + sum;
            mRow[i] = mNew;
          }
          // acc (br×D) += P (br×bc) · V_s (bc×D)
          gemm({
            m: br,
            n: D,
            k: bc,
            a: scores,
            aOffset: 0,
            aRowStride: bc,
            aColStride: 1,
            b: v,
            bOffset: kBase + s0 * D,
            bRowStride: D,
            bColStride: 1,
            c: acc,
            cOffset: 0,
            ldc: D,
            accumulate: true,
          });
        }
        for (let i = 0; i < br; i++) {
          const l = lRow[i]!;
          const oRow = qBase + (t0 + i) * D;
          if (l === 0) {
            o.fill(0, oRow, oRow + D);
            lse[lseBase + t0 + i] = Number.NEGATIVE_INFINITY;
            continue;
          }
          const inv = 1 / l;
          for (let d = 0; d < D; d++) o[oRow + d] = acc[i * D + d]! * inv;
          lse[lseBase + t0 + i] = mRow[i]! + Math.log(l);
        }
      }
    }
  }
}

/**
 * Attention backward: writes `dq (B,H,T,D)`, `dk` and `dv (B,Hkv,S,D)` from the forward's inputs, its
 * outputs `o` and `lse`, and the upstream gradient `dO`.
 *
 * @example
 * ```ts
 * const spec = { B: 1, H: 1, Hkv: 1, T: 1, S: 2, D: 1, causal: false, scale: 1 };
 * const q = new Float32Array([1]), k = new Float32Array([1, 1]), v = new Float32Array([2, 4]);
 * const o = new Float32Array(1), lse = new Float32Array(1);
 * attentionCpu(q, k, v, o, lse, spec);
 * const dq = new Float32Array(1), dk = new Float32Array(2), dv = new Float32Array(2);
 * attentionBackwardCpu(q, k, v, o, lse, new Float32Array([1]), dq, dk, dv, spec);
 * // dv = [0.5, 0.5] (each key had weight 1/2); dk = [-0.5, 0.5]; dq = [0]
 * ```
 */
export function attentionBackwardCpu(
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  o: FloatArray,
  lse: FloatArray,
  dO: FloatArray,
  dq: FloatArray,
  dk: FloatArray,
  dv: FloatArray,
  spec: AttentionSpec,
): void {
  const { B, H, Hkv, T, S, D, causal, scale } = spec;
  const group = H / Hkv;
  const off = S - T;
  const Tile = tileArray(q);
  const P = new Tile(BR * BC);
  const dS = new Tile(BR * BC);
  const delta = new Float64Array(T);
  const dqAcc = new Tile(T * D);
  const dkAcc = new Tile(S * D);
  const dvAcc = new Tile(S * D);
  for (let b = 0; b < B; b++) {
    for (let kvh = 0; kvh < Hkv; kvh++) {
      const kBase = (b * Hkv + kvh) * S * D;
      dkAcc.fill(0);
      dvAcc.fill(0);
      for (let h = kvh * group; h < (kvh + 1) * group; h++) {
        const qBase = (b * H + h) * T * D;
        const lseBase = (b * H + h) * T;
        dqAcc.fill(0);
        // Δ_t = dO_t · O_t
        for (let t = 0; t < T; t++) {
          let s = 0;
          for (let d = 0, r = qBase + t * D; d < D; d++) s += dO[r + d]! * o[r + d]!;
          delta[t] = s;
        }
        for (let s0 = 0; s0 < S; s0 += BC) {
          const bc = Math.min(BC, S - s0);
          // Under the causal mask, queries before tStart see none of these keys.
          const tStart = causal ? Math.max(0, s0 - off) : 0;
          for (let t0 = tStart - (tStart % BR); t0 < T; t0 += BR) {
            const br = Math.min(BR, T - t0);
            if (keyEnd(spec, t0 + br) <= s0) continue;
            // P (br×bc) = exp(scale · Q_t K_sᵀ − lse)
            gemm({
              m: br,
              n: bc,
              k: D,
              a: q,
              aOffset: qBase + t0 * D,
              aRowStride: D,
              aColStride: 1,
              b: k,
              bOffset: kBase + s0 * D,
              bRowStride: 1,
              bColStride: D,
              c: P,
              cOffset: 0,
              ldc: bc,
            });
            for (let i = 0; i < br; i++) {
              const l = lse[lseBase + t0 + i]!;
              const limit = causal ? Math.min(bc, t0 + i + off + 1 - s0) : bc;
              const row = i * bc;
              if (l === Number.NEGATIVE_INFINITY) {
                P.fill(0, row, row + bc);
                continue;
              }
              let j = 0;
              for (; j < limit; j++) P[row + j] = Math.exp(P[row + j]! * scale - l);
              for (j = Math.max(j, 0); j < bc; j++) P[row + j] = 0;
            }
            // dV_s (bc×D) += Pᵀ (bc×br) · dO_t (br×D)
            gemm({
              m: bc,
              n: D,
              k: br,
              a: P,
              aOffset: 0,
              aRowStride: 1,
              aColStride: bc,
              b: dO,
              bOffset: qBase + t0 * D,
              bRowStride: D,
              bColStride: 1,
              c: dvAcc,
              cOffset: s0 * D,
              ldc: D,
              accumulate: true,
            });
            // dP (br×bc) = dO_t (br×D) · V_sᵀ (D×bc), kept in dS
            gemm({
              m: br,
              n: bc,
              k: D,
              a: dO,
              aOffset: qBase + t0 * D,
              aRowStride: D,
              aColStride: 1,
              b: v,
              bOffset: kBase + s0 * D,
              bRowStride: 1,
              bColStride: D,
              c: dS,
              cOffset: 0,
              ldc: bc,
            });
            // dS = P ⊙ (dP − Δ) · scale (masked entries have P = 0)
            for (let i = 0; i < br; i++) {
              const dl = delta[t0 + i]!;
              for (let j = 0, r = i * bc; j < bc; j++) dS[r + j] = P[r + j]! * (dS[r + j]! - dl) * scale;
            }
            // dQ_t (br×D) += dS (br×bc) · K_s (bc×D)
            gemm({
              m: br,
              n: D,
              k: bc,
              a: dS,
              aOffset: 0,
              aRowStride: bc,
              aColStride: 1,
              b: k,
              bOffset: kBase + s0 * D,
              bRowStride: D,
              bColStride: 1,
              c: dqAcc,
              cOffset: t0 * D,
              ldc: D,
              accumulate: true,
            });
            // dK_s (bc×D) += dSᵀ (bc×br) · Q_t (br×D)
            gemm({
              m: bc,
              n: D,
              k: br,
              a: dS,
              aOffset: 0,
              aRowStride: 1,
              aColStride: bc,
              b: q,
              bOffset: qBase + t0 * D,
              bRowStride: D,
              bColStride: 1,
              c: dkAcc,
              cOffset: s0 * D,
              ldc: D,
              accumulate: true,
            });
          }
        }
        dq.set(dqAcc, qBase);
      }
      dk.set(dkAcc, kBase);
      dv.set(dvAcc, kBase);
    }
  }
}

/** Sizes of an attention call from q (B,H,T,D) and k (B,Hkv,S,D). */
export function attentionSpec(
  q: readonly number[],
  k: readonly number[],
  attrs: { causal: boolean; scale: number },
): AttentionSpec {
  return {
    B: q[0]!,
    H: q[1]!,
    Hkv: k[1]!,
    T: q[2]!,
    S: k[2]!,
    D: q[3]!,
    causal: attrs.causal,
    scale: attrs.scale,
  };
}

/** The contract's `attention` kernel → o, lse. */
export const attentionKernel: CpuKernel<'attention'> = ({
  inputs: { q, k, v },
  outputs: { o, lse },
  attrs,
}) => {
  const op = 'attention';
  attentionCpu(
    floatData(op, q.storage),
    floatData(op, k.storage),
    floatData(op, v.storage),
    floatData(op, o.storage),
    floatData(op, lse.storage),
    attentionSpec(q.shape, k.shape, attrs),
  );
};

/** The contract's `attentionBackward` kernel → dq, dk, dv. */
export const attentionBackwardKernel: CpuKernel<'attentionBackward'> = ({ inputs, outputs, attrs }) => {
  const op = 'attentionBackward';
  attentionBackwardCpu(
    floatData(op, inputs.q.storage),
    floatData(op, inputs.k.storage),
    floatData(op, inputs.v.storage),
    floatData(op, inputs.o.storage),
    floatData(op, inputs.lse.storage),
    floatData(op, inputs.dout.storage),
    floatData(op, outputs.dq.storage),
    floatData(op, outputs.dk.storage),
    floatData(op, outputs.dv.storage),
    attentionSpec(inputs.q.shape, inputs.k.shape, attrs),
  );
};
