/**
 * The training loop on the WebGPU backend (Dawn: a GPU, or Mesa llvmpipe through OpenGL on CPU-only
 * machines): the same losses as the CPU backend, within f32 reordering. The backend is opened once at
 * collection; without an adapter the suite is reported as skipped (the reason in its name), except
 * under CI=true, where it fails (tensor-gpu's openWebGPU convention; LLMFORGE_WEBGPU=off simulates
 * a machine without one).
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../src/node.js';
import { sampleDataset, tinyRun } from './helpers/fixtures.js';

async function openWebGPU(): Promise<{ backend: Backend | undefined; reason: string | undefined }> {
  if (process.env.LLMFORGE_WEBGPU === 'off')
    return { backend: undefined, reason: 'disabled by LLMFORGE_WEBGPU=off' };
  try {
    const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
    return { backend: await createNodeBackend(), reason: undefined };
  } catch (e) {
    const message = String((e as Error)?.message ?? e);
    const noAdapter =
      message.includes('expected a WebGPU adapter') || message.includes('optional peer dependency "webgpu"');
    if (!noAdapter) throw e; // an adapter exists but the backend failed: a real failure
    return { backend: undefined, reason: message.split('\n')[0]!.slice(0, 160) };
  }
}

const gpu = await openWebGPU();
if (gpu.reason && process.env.CI === 'true') {
  throw new Error(`WebGPU is required under CI=true, but there is no adapter: ${gpu.reason}`);
}
afterAll(() => gpu.backend?.dispose());

let data = '';
beforeAll(async () => {
  if (gpu.backend) data = await sampleDataset();
}, 60_000);

const title = gpu.reason ? `train on WebGPU (skipped: no WebGPU adapter (${gpu.reason}))` : 'train on WebGPU';
describe.skipIf(gpu.backend === undefined)(title, () => {
  it('matches the CPU backend step for step, and checkpoints', async () => {
    const over = { steps: 4, seqLen: 16, eval: { every: 2, batches: 2 } };
    const cpu = await train(tinyRun(data, over));
    const onGpu = await train(tinyRun(data, over), { backend: gpu.backend! });
    for (let i = 0; i < 4; i++) expect(Math.abs(onGpu.losses[i]! - cpu.losses[i]!)).toBeLessThan(2e-3);
    expect(Math.abs(onGpu.valLoss - cpu.valLoss)).toBeLessThan(2e-3);
    expect(onGpu.checkpoint).toMatch(/step-000004$/);
  }, 300_000);
});
