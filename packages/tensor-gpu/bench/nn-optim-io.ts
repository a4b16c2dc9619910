/**
 * G3's bench: the optimizer step, half-float decoding and safetensors I/O, each measured against a
 * peer in the same process, ratio printed (> 1 means we are faster):
 *
 * 1. AdamW step over 4 M parameters in 8 tensors: our `AdamW` class on the CPU backend vs
 *    `tf.train.adam` (`applyGradients`) on tfjs's `cpu` and `wasm` backends.
 * 2. f16 → f32 decoding of 16 M values: `decodeF16` vs tfjs's float16 weight decoder
 *    (`tf.io.decodeWeights` with float16 quantization).
 * 3. safetensors save / load of 64 MB of F32 (16 tensors): `saveSafetensors` / `loadSafetensors` vs
 *    writing / reading the same bytes with plain `fs.writeFile` / `fs.readFile` (the disk's speed).
 *
 * Run: `pnpm bench nn-optim-io` once registered in bench/run.ts, or `tsx bench/nn-optim-io.ts`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { AdamW, createCpuBackend, decodeF16, encodeF16, encodeSafetensors, tensor } from '../src/index.js';
import { loadSafetensors, saveSafetensors } from '../src/node.js';
import { printTable, randomF32, timeMs } from './timing.js';

const ADAM_TENSORS = 8;
const ADAM_SIZE = 512 * 1024; // 8 × 512 Ki = 4 Mi parameters
const HALF_N = 16 * 1024 * 1024;
const IO_TENSORS = 16;
const IO_SIZE = 1024 * 1024; // 16 × 1 Mi floats = 64 MB

async function adamRows(): Promise<(string | number)[][]> {
  const values = Array.from({ length: ADAM_TENSORS }, (_, i) => randomF32(ADAM_SIZE, i + 1));
  const grads = Array.from({ length: ADAM_TENSORS }, (_, i) => randomF32(ADAM_SIZE, 100 + i));
  const cpu = createCpuBackend();
  const params = values.map((v) => tensor(v, [ADAM_SIZE], 'f32', cpu).requireGrad());
  for (const [i, p] of params.entries()) p.grad = tensor(grads[i]!, [ADAM_SIZE], 'f32', cpu);
  const opt = new AdamW(params, { lr: 1e-3, weightDecay: 0 });
  const ours = await timeMs(() => opt.step(), 10, 2);
  opt.dispose();
  cpu.dispose();

  const rows: (string | number)[][] = [['AdamW step, 4 Mi params', 'ours (cpu)', ours.toFixed(2), '1.00']];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    await tf.ready();
    const vars = values.map((v, i) => tf.variable(tf.tensor1d(v), true, `bench_p${i}_${backend}`));
    const gradTensors = grads.map((g) => tf.tensor1d(g));
    const named: tf.NamedTensorMap = {};
    for (const [i, v] of vars.entries()) named[v.name] = gradTensors[i]!;
    const adam: tf.Optimizer = tf.train.adam(1e-3);
    const ms = await timeMs(
      () => {
        adam.applyGradients(named);
        vars[0]!.dataSync(); // wait for the backend
      },
      10,
      2,
    );
    rows.push(['AdamW step, 4 Mi params', `tfjs ${backend}`, ms.toFixed(2), (ms / ours).toFixed(2)]);
    adam.dispose();
    for (const t of [...vars, ...gradTensors]) t.dispose();
  }
  return rows;
}

async function halfRows(): Promise<(string | number)[][]> {
  const bits = encodeF16(randomF32(HALF_N, 7));
  const out = new Float32Array(HALF_N);
  const ours = await timeMs(() => decodeF16(bits, out), 5, 1);
  await tf.setBackend('cpu');
  const spec = [
    { name: 'h', shape: [HALF_N], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } },
  ];
  const buf = bits.buffer as ArrayBuffer;
  const theirs = await timeMs(() => tf.io.decodeWeights(buf, spec).h!.dispose(), 5, 1);
  return [
    ['f16 → f32, 16 Mi values', 'ours', ours.toFixed(2), '1.00'],
    ['f16 → f32, 16 Mi values', 'tfjs decodeWeights', theirs.toFixed(2), (theirs / ours).toFixed(2)],
  ];
}

async function ioRows(): Promise<(string | number)[][]> {
  const dir = await mkdtemp(join(tmpdir(), 'llmforge-bench-'));
  try {
    const tensors = new Map(
      Array.from({ length: IO_TENSORS }, (_, i) => [
        `layer.${i}.weight`,
        { dtype: 'F32' as const, shape: [1024, IO_SIZE / 1024], data: randomF32(IO_SIZE, i) },
      ]),
    );
    const path = join(dir, 'ours.safetensors');
    const raw = join(dir, 'raw.bin');
    const bytes = encodeSafetensors(tensors);
    const save = await timeMs(() => saveSafetensors(path, tensors), 3, 1);
    const rawWrite = await timeMs(() => writeFile(raw, bytes), 3, 1);
    const load = await timeMs(() => loadSafetensors(path), 3, 1);
    const rawRead = await timeMs(() => readFile(raw), 3, 1);
    const mb = bytes.length / 1e6;
    return [
      [`save ${mb.toFixed(0)} MB (temp file + fsync + rename)`, 'ours', save.toFixed(1), '1.00'],
      [
        `save ${mb.toFixed(0)} MB`,
        'fs.writeFile (no fsync)',
        rawWrite.toFixed(1),
        (rawWrite / save).toFixed(2),
      ],
      [`load ${mb.toFixed(0)} MB (tensor by tensor)`, 'ours', load.toFixed(1), '1.00'],
      [`load ${mb.toFixed(0)} MB`, 'fs.readFile', rawRead.toFixed(1), (rawRead / load).toFixed(2)],
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the three comparisons and prints one table. */
export async function run(): Promise<void> {
  console.log('nn-optim-io: median ms; ratio = peer time / our time (> 1: we are faster)');
  const rows = [...(await adamRows()), ...(await halfRows()), ...(await ioRows())];
  printTable(['what', 'who', 'ms', 'ratio'], rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
