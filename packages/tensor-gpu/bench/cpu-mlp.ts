/**
 * One training step of a small MLP on the CPU, through the whole stack (Tensor, autograd, fused cross
 * entropy, AdamW kernel), against the same model and step in @tensorflow/tfjs (`cpu` and `wasm`
 * backends, `tf.train.adam` with `minimize`), same shapes, same process:
 *
 * ```text
 * x (B, IN) → Linear(IN, HID) → ReLU → Linear(HID, OUT) → cross entropy vs targets (B) → backward → Adam
 * ```
 *
 * ReLU rather than GELU because tfjs has no GELU op; Adam without weight decay on both sides.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  adamwUpdate,
  createCpuBackend,
  crossEntropy,
  memory,
  randn,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';
import { printTable, timeMs } from './timing.js';

const B = 128;
const IN = 512;
const HID = 1024;
const OUT = 16;
const LR = 1e-3;
const REPS = 10;

function targetsData(): Int32Array {
  return Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT);
}

async function ours(): Promise<{ ms: number; loss: number; liveBefore: number; liveAfter: number }> {
  const cpu = createCpuBackend();
  const gen = { seed: 1, offset: 0 };
  const x = randn([B, IN], gen, 'f32', cpu);
  const targets = tensor(targetsData(), [B], 'i32', cpu);
  const params: Tensor[] = [
    randn([IN, HID], gen, 'f32', cpu, 0, 0.02).requireGrad(),
    zeros([HID], 'f32', cpu).requireGrad(),
    randn([HID, OUT], gen, 'f32', cpu, 0, 0.02).requireGrad(),
    zeros([OUT], 'f32', cpu).requireGrad(),
  ];
  const state = params.map((p) => ({ m: zeros(p.shape, 'f32', cpu), v: zeros(p.shape, 'f32', cpu) }));
  const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  let step = 0;
  let loss = 0;
  const trainStep = () => {
    step++;
    loss = tidy(() => {
      const h = x.matmul(w1).add(b1).relu(); // (B, HID)
      const logits = h.matmul(w2).add(b2); // (B, OUT)
      const l = crossEntropy(logits, targets);
      l.backward();
      return l.itemSync();
    });
    params.forEach((p, i) => {
      const s = state[i]!;
      adamwUpdate(p, p.grad!, s.m, s.v, {
        lr: LR,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0,
        step,
      });
      p.zeroGrad();
    });
  };
  trainStep();
  const liveBefore = memory(cpu).liveBytes;
  const ms = await timeMs(trainStep, REPS);
  const liveAfter = memory(cpu).liveBytes;
  cpu.dispose();
  return { ms, loss, liveBefore, liveAfter };
}

async function tfjs(backend: 'cpu' | 'wasm'): Promise<{ ms: number; loss: number }> {
  await tf.setBackend(backend);
  await tf.ready();
  const x = tf.randomNormal([B, IN], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(targetsData(), 'int32'), OUT);
  const w1 = tf.variable(tf.randomNormal([IN, HID], 0, 0.02, 'float32', 2));
  const b1 = tf.variable(tf.zeros([HID]));
  const w2 = tf.variable(tf.randomNormal([HID, OUT], 0, 0.02, 'float32', 3));
  const b2 = tf.variable(tf.zeros([OUT]));
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  let loss = 0;
  const trainStep = () => {
    const cost = opt.minimize(() => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, w2), b2)) as tf.Scalar;
    }, true);
    loss = cost!.dataSync()[0]!;
    cost!.dispose();
  };
  const ms = await timeMs(trainStep, REPS);
  opt.dispose();
  tf.dispose([x, y, w1, b1, w2, b2]);
  return { ms, loss };
}

export async function run(): Promise<void> {
  const o = await ours();
  const c = await tfjs('cpu');
  const w = await tfjs('wasm');
  console.log(
    `MLP ${IN}→${HID}→${OUT}, batch ${B}, f32: ms per training step (forward + backward + Adam), median of ${REPS}`,
  );
  printTable(
    ['impl', 'ms/step', 'speedup of ours', 'last loss'],
    [
      ['ours (cpu backend)', o.ms.toFixed(2), '1.00', o.loss.toFixed(4)],
      ['tfjs cpu', c.ms.toFixed(2), (c.ms / o.ms).toFixed(2), c.loss.toFixed(4)],
      ['tfjs wasm', w.ms.toFixed(2), (w.ms / o.ms).toFixed(2), w.loss.toFixed(4)],
    ],
  );
  console.log(
    `ours: live bytes after warm-up ${o.liveBefore}, after ${REPS} more steps ${o.liveAfter} (no leak if equal)`,
  );
}
