/** Worker of `cpu-threads.ts`: computes rows [row0, row0 + rows) of C = A·B from shared memory. */
import { parentPort, workerData } from 'node:worker_threads';
import { gemm } from '../src/cpu/kernels/gemm/gemm.js';

const { a, b, c } = workerData as { a: SharedArrayBuffer; b: SharedArrayBuffer; c: SharedArrayBuffer };

parentPort!.on('message', (job: { m: number; n: number; k: number; row0: number; rows: number }) => {
  const { n, k, row0, rows } = job;
  if (rows > 0) {
    gemm({
      m: rows,
      n,
      k,
      a: new Float32Array(a, 0, job.m * k),
      aOffset: row0 * k,
      aRowStride: k,
      aColStride: 1,
      b: new Float32Array(b, 0, k * n),
      bOffset: 0,
      bRowStride: n,
      bColStride: 1,
      c: new Float32Array(c, 0, job.m * n),
      cOffset: row0 * n,
      ldc: n,
    });
  }
  parentPort!.postMessage('done');
});
parentPort!.postMessage('ready');
