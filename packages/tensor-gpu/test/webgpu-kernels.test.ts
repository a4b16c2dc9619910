/**
 * Every WebGPU kernel against the CPU reference kernels, on small shapes (llvmpipe is slow).
 * Each case runs the op on both backends and compares every output.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { kernelCases } from './webgpu-cases.js';
import { openWebGPU, relErr, runBoth } from './webgpu-helpers.js';

const gpu = await openWebGPU();
afterAll(() => gpu.backend?.dispose());
/** The backend: only the suites skipped without an adapter use it. */
const backend = gpu.backend as WebGPUBackend;

describe.skipIf(gpu.skip)(gpu.title('webgpu kernels match the CPU reference'), () => {
  it.each(kernelCases().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { cpu, gpu } = await runBoth(backend, c.op, c.inputs, c.attrs, c.inouts ?? {});
    for (const key of Object.keys(cpu)) {
      const err = relErr(gpu[key]!, cpu[key]!);
      expect(err, `${c.name}: output ${key}`).toBeLessThanOrEqual(c.tol ?? 0);
    }
  });
});
