/**
 * Do worker threads pay for the f32 GEMM on this machine? Splits the rows of C between 2
 * `worker_threads` workers (each with its own wasm SIMD GEMM instance) reading A and B from
 * SharedArrayBuffers, and compares with one thread. Two columns for two threads: `shared` assumes the
 * operands already live in shared memory; `+copies` also copies A and B in and C out, which is what a
 * backend whose tensors are ordinary ArrayBuffers would pay.
 */
import { Worker } from 'node:worker_threads';
import { gemm } from '../src/cpu/kernels/gemm/gemm.js';
import { printTable, randomF32, timeMs } from './timing.js';

const SIZES = [256, 512, 1024];
const THREADS = 2;

interface Pool {
  workers: Worker[];
  run(m: number, n: number, k: number): Promise<void>;
  close(): Promise<void>;
}

function startPool(a: SharedArrayBuffer, b: SharedArrayBuffer, c: SharedArrayBuffer): Promise<Pool> {
  // Workers do not inherit tsx's loader: the .mjs entry loads the TypeScript worker through tsx.
  const url = new URL('./cpu-threads-worker.mjs', import.meta.url);
  const workers = Array.from({ length: THREADS }, () => new Worker(url, { workerData: { a, b, c } }));
  const ready = workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve())));
  return Promise.all(ready).then(() => ({
    workers,
    run: (m, n, k) => {
      const rowsPer = Math.ceil(m / THREADS);
      return Promise.all(
        workers.map(
          (w, i) =>
            new Promise<void>((resolve) => {
              w.once('message', () => resolve());
              w.postMessage({
                m,
                n,
                k,
                row0: i * rowsPer,
                rows: Math.max(0, Math.min(rowsPer, m - i * rowsPer)),
              });
            }),
        ),
      ).then(() => undefined);
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  }));
}

export async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  const max = SIZES[SIZES.length - 1]!;
  const sa = new SharedArrayBuffer(max * max * 4);
  const sb = new SharedArrayBuffer(max * max * 4);
  const sc = new SharedArrayBuffer(max * max * 4);
  const pool = await startPool(sa, sb, sc);
  try {
    for (const s of SIZES) {
      const a = randomF32(s * s, 1);
      const b = randomF32(s * s, 2);
      const c = new Float32Array(s * s);
      const reps = s >= 1024 ? 5 : 15;
      const one = await timeMs(
        () =>
          gemm({
            m: s,
            n: s,
            k: s,
            a,
            aOffset: 0,
            aRowStride: s,
            aColStride: 1,
            b,
            bOffset: 0,
            bRowStride: s,
            bColStride: 1,
            c,
            cOffset: 0,
            ldc: s,
          }),
        reps,
      );
      const va = new Float32Array(sa, 0, s * s);
      const vb = new Float32Array(sb, 0, s * s);
      const vc = new Float32Array(sc, 0, s * s);
      va.set(a);
      vb.set(b);
      const shared = await timeMs(() => pool.run(s, s, s), reps);
      const withCopies = await timeMs(async () => {
        va.set(a);
        vb.set(b);
        await pool.run(s, s, s);
        c.set(vc);
      }, reps);
      // Same answer as one thread?
      gemm({
        m: s,
        n: s,
        k: s,
        a,
        aOffset: 0,
        aRowStride: s,
        aColStride: 1,
        b,
        bOffset: 0,
        bRowStride: s,
        bColStride: 1,
        c,
        cOffset: 0,
        ldc: s,
      });
      let diff = 0;
      for (let i = 0; i < s * s; i++) diff = Math.max(diff, Math.abs(c[i]! - vc[i]!));
      const gf = (ms: number) => ((2 * s * s * s) / ms / 1e6).toFixed(2);
      rows.push([
        `${s}³`,
        gf(one),
        gf(shared),
        gf(withCopies),
        (one / shared).toFixed(2),
        (one / withCopies).toFixed(2),
        diff,
      ]);
    }
  } finally {
    await pool.close();
  }
  console.log(
    `f32 GEMM (wasm SIMD), GFLOP/s: 1 thread vs ${THREADS} worker threads (speedup = 1-thread time / ${THREADS}-thread time)`,
  );
  printTable(
    [
      'size',
      '1 thread',
      `${THREADS} shared`,
      `${THREADS} +copies`,
      'speedup',
      'speedup +copies',
      'max |diff|',
    ],
    rows,
  );
}
