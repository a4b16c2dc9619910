/**
 * The FLOP/s figure MFU is measured against. Published peaks exist for GPUs (an H100 does 67 TFLOP/s
 * in f32, 989 in bf16 with sparsity off) but not for "this CPU under this load" or "this WebGPU
 * adapter", so by default the trainer times the backend's own matrix multiply at start: MFU is then
 * the fraction of the best matmul throughput this backend reaches that the whole training step
 * achieves (attention, norms, the optimizer and the overheads are what it loses).
 */

import { type Backend, randn, tidy } from '@llmforge/tensor-gpu';

/**
 * FLOP/s of an n×n by n×n matmul on `backend` (the best of `repeats`, after one warm-up: the best
 * run is the one least disturbed by other work on the machine).
 *
 * @example
 * ```ts
 * const peak = await measurePeakFlops(createCpuBackend()); // e.g. 2.4e10
 * mfu(tokensPerSecond, model.config, peak);
 * ```
 */
export async function measurePeakFlops(backend: Backend, n = 512, repeats = 5): Promise<number> {
  const gen = { seed: 0, offset: 0 };
  const a = randn([n, n], gen, 'f32', backend);
  const b = randn([n, n], gen, 'f32', backend);
  let best = Number.POSITIVE_INFINITY;
  try {
    for (let r = 0; r <= repeats; r++) {
      const t0 = performance.now();
      const c = tidy(() => a.matmul(b));
      await c.data();
      c.dispose();
      if (r > 0) best = Math.min(best, (performance.now() - t0) / 1000);
    }
  } finally {
    a.dispose();
    b.dispose();
  }
  return (2 * n ** 3) / best;
}
