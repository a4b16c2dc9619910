/**
 * Square f32 matmul GFLOP/s on the CPU: our GEMM (WebAssembly SIMD path, and the TypeScript reference
 * path) against @tensorflow/tfjs's `cpu` backend (plain JS) and @tensorflow/tfjs-backend-wasm
 * (XNNPACK, SIMD), same shapes, same process. Ours is timed at the kernel level (typed arrays in,
 * typed array out); tfjs through `tf.matMul` + `dataSync()` (its op overhead is negligible here).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type GemmImplementation, gemm } from '../src/cpu/kernels/gemm/gemm.js';
import { matmulCpu } from '../src/cpu/kernels/matmul.js';
import { printTable, randomF32, timeMs } from './timing.js';

/** matmulCpu's GEMM callback on one implementation. */
const on = (impl: GemmImplementation) => (g: Parameters<typeof gemm>[0]) => gemm(g, impl);

const SIZES = [256, 512, 1024];

/** Fewer repetitions where one run takes seconds. */
function reps(size: number, slow: boolean): number {
  if (slow) return size >= 1024 ? 1 : size >= 512 ? 2 : 5;
  return size >= 1024 ? 5 : size >= 512 ? 10 : 30;
}

async function tfjsTime(
  backend: 'cpu' | 'wasm',
  a: Float32Array,
  b: Float32Array,
  s: number,
): Promise<number> {
  await tf.setBackend(backend);
  await tf.ready();
  const ta = tf.tensor2d(a, [s, s]);
  const tb = tf.tensor2d(b, [s, s]);
  const ms = await timeMs(
    () => {
      const c = tf.matMul(ta, tb);
      c.dataSync();
      c.dispose();
    },
    reps(s, backend === 'cpu'),
  );
  ta.dispose();
  tb.dispose();
  return ms;
}

/** Decode-time (one token) products: `x (1,K) @ W (K,N)` and with torch-layout weights `x @ Wᵀ`. */
const SKINNY: [number, number, boolean][] = [
  [768, 3072, false],
  [768, 3072, true],
  [768, 50257, false],
  [768, 50257, true],
];

async function skinny(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const [k, n, transB] of SKINNY) {
    const a = randomF32(k, 3);
    const b = randomF32(k * n, 4);
    const c = new Float32Array(n);
    const spec = { aShape: [1, k], bShape: transB ? [n, k] : [k, n], transB };
    const oursMs = await timeMs(() => matmulCpu(a, b, c, spec, false, on('auto')), 10);
    const tsMs = await timeMs(() => matmulCpu(a, b, c, spec, false, on('ts')), 5);
    const peer: number[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      await tf.ready();
      const ta = tf.tensor2d(a, [1, k]);
      const tb = tf.tensor2d(b, transB ? [n, k] : [k, n]);
      peer.push(
        await timeMs(() => {
          const y = tf.matMul(ta, tb, false, transB);
          y.dataSync();
          y.dispose();
        }, 5),
      );
      tf.dispose([ta, tb]);
    }
    const [cpuMs, wasmMs] = peer as [number, number];
    rows.push([
      `(1,${k}) @ ${transB ? `(${n},${k})ᵀ` : `(${k},${n})`}`,
      oursMs.toFixed(2),
      tsMs.toFixed(2),
      cpuMs.toFixed(2),
      wasmMs.toFixed(2),
      (cpuMs / oursMs).toFixed(1),
      (wasmMs / oursMs).toFixed(2),
    ]);
  }
  console.log('\ndecode-shaped f32 products, ms (lower is better); speedups of ours (auto) over the peer');
  printTable(
    ['product', 'ours ms', 'ours ts ms', 'tfjs cpu ms', 'tfjs wasm ms', 'vs tfjs cpu', 'vs tfjs wasm'],
    rows,
  );
}

export async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  const gflops = (s: number, ms: number) => (2 * s * s * s) / ms / 1e6;
  for (const s of SIZES) {
    const a = randomF32(s * s, 1);
    const b = randomF32(s * s, 2);
    const c = new Float32Array(s * s);
    const spec = { aShape: [s, s], bShape: [s, s] };
    const oursMs = await timeMs(() => matmulCpu(a, b, c, spec, false, on('auto')), reps(s, false));
    const tsMs = await timeMs(() => matmulCpu(a, b, c, spec, false, on('ts')), reps(s, true));
    const tfCpuMs = await tfjsTime('cpu', a, b, s);
    const tfWasmMs = await tfjsTime('wasm', a, b, s);
    rows.push([
      `${s}³`,
      gflops(s, oursMs).toFixed(2),
      gflops(s, tsMs).toFixed(2),
      gflops(s, tfCpuMs).toFixed(2),
      gflops(s, tfWasmMs).toFixed(2),
      (tfCpuMs / oursMs).toFixed(1),
      (tfWasmMs / oursMs).toFixed(2),
    ]);
  }
  console.log(
    'f32 matmul, GFLOP/s (higher is better); ratios are speedups of ours (wasm SIMD path) over the peer',
  );
  printTable(['size', 'ours wasm', 'ours ts', 'tfjs cpu', 'tfjs wasm', 'vs tfjs cpu', 'vs tfjs wasm'], rows);
  await skinny();
}
