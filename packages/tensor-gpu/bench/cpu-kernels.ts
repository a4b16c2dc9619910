/**
 * Fused CPU kernels against the same computation written with @tensorflow/tfjs ops (its `cpu` and
 * `wasm` backends), same shapes, same process, f32:
 * - causal attention forward, and forward + backward (tfjs: matMul, mask, softmax, matMul; gradients
 *   by `tf.grads`), GPT-2-small-like head shapes;
 * - softmax over a vocabulary-sized last axis;
 * - layer norm (tfjs: `tf.moments` + arithmetic).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { attentionBackwardCpu, attentionCpu } from '../src/cpu/kernels/attention.js';
import { layerNormCpu } from '../src/cpu/kernels/layer-norm.js';
import { softmaxCpu } from '../src/cpu/kernels/softmax.js';
import { printTable, randomF32, timeMs } from './timing.js';

const ATT = { B: 1, H: 12, T: 256, D: 64 };
const SOFTMAX = { rows: 256, cols: 8192 };
const LN = { rows: 2048, C: 768 };

interface Case {
  name: string;
  ours: () => void;
  tfjs: () => void;
  reps: number;
}

function cases(): Case[] {
  const { B, H, T, D } = ATT;
  const n = B * H * T * D;
  const q = randomF32(n, 1);
  const k = randomF32(n, 2);
  const v = randomF32(n, 3);
  const dO = randomF32(n, 4);
  const o = new Float32Array(n);
  const lse = new Float32Array(B * H * T);
  const dq = new Float32Array(n);
  const dk = new Float32Array(n);
  const dv = new Float32Array(n);
  const spec = { B, H, Hkv: H, T, S: T, D, causal: true, scale: 1 / Math.sqrt(D) };
  const tq = tf.tensor4d(q, [B, H, T, D]);
  const tk = tf.tensor4d(k, [B, H, T, D]);
  const tv = tf.tensor4d(v, [B, H, T, D]);
  const tdO = tf.tensor4d(dO, [B, H, T, D]);
  // Additive causal mask: 0 on and below the diagonal, -1e9 above.
  const maskData = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskData[i * T + j] = -1e9;
  const mask = tf.tensor2d(maskData, [T, T]);
  const tfAttention = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(a, b, false, true), spec.scale), mask)), c);
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
    tf.sum(tf.mul(tfAttention(a, b, c), tdO)),
  );

  const sm = randomF32(SOFTMAX.rows * SOFTMAX.cols, 5);
  const smOut = new Float32Array(sm.length);
  const tsm = tf.tensor2d(sm, [SOFTMAX.rows, SOFTMAX.cols]);

  const x = randomF32(LN.rows * LN.C, 6);
  const w = randomF32(LN.C, 7);
  const bias = randomF32(LN.C, 8);
  const y = new Float32Array(x.length);
  const mean = new Float32Array(LN.rows);
  const rstd = new Float32Array(LN.rows);
  const tx = tf.tensor2d(x, [LN.rows, LN.C]);
  const tw = tf.tensor1d(w);
  const tb = tf.tensor1d(bias);

  return [
    {
      name: `attention fwd (B${B} H${H} T${T} D${D}, causal)`,
      ours: () => attentionCpu(q, k, v, o, lse, spec),
      tfjs: () => tf.tidy(() => tfAttention(tq, tk, tv).dataSync()),
      reps: 5,
    },
    {
      name: 'attention fwd+bwd',
      ours: () => {
        attentionCpu(q, k, v, o, lse, spec);
        attentionBackwardCpu(q, k, v, o, lse, dO, dq, dk, dv, spec);
      },
      tfjs: () =>
        tf.tidy(() => {
          for (const g of grads([tq, tk, tv])) g.dataSync();
        }),
      reps: 3,
    },
    {
      name: `softmax (${SOFTMAX.rows}×${SOFTMAX.cols})`,
      ours: () => softmaxCpu(sm, smOut, SOFTMAX.rows, SOFTMAX.cols),
      tfjs: () => tf.tidy(() => tf.softmax(tsm).dataSync()),
      reps: 10,
    },
    {
      name: `layerNorm (${LN.rows}×${LN.C})`,
      ours: () => layerNormCpu(x, w, bias, y, mean, rstd, LN.rows, LN.C, 1e-5),
      tfjs: () =>
        tf.tidy(() => {
          const { mean: mu, variance } = tf.moments(tx, -1, true);
          tf.add(tf.mul(tf.mul(tf.sub(tx, mu), tf.rsqrt(tf.add(variance, 1e-5))), tw), tb).dataSync();
        }),
      reps: 10,
    },
  ];
}

export async function run(): Promise<void> {
  const results = new Map<string, { ours: number; cpu?: number; wasm?: number }>();
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    await tf.ready();
    for (const c of cases()) {
      const entry = results.get(c.name) ?? { ours: Number.POSITIVE_INFINITY };
      if (backend === 'cpu') entry.ours = await timeMs(c.ours, c.reps);
      entry[backend] = await timeMs(c.tfjs, c.reps);
      results.set(c.name, entry);
    }
    tf.disposeVariables();
  }
  console.log('f32, milliseconds (lower is better); ratios are speedups of ours over the tfjs composite');
  printTable(
    ['kernel', 'ours ms', 'tfjs cpu ms', 'tfjs wasm ms', 'vs tfjs cpu', 'vs tfjs wasm'],
    [...results].map(([name, r]) => [
      name,
      r.ours.toFixed(2),
      r.cpu!.toFixed(2),
      r.wasm!.toFixed(2),
      (r.cpu! / r.ours).toFixed(1),
      (r.wasm! / r.ours).toFixed(2),
    ]),
  );
}
