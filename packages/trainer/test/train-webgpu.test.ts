/**
 * The training loop on the WebGPU backend (Dawn: a GPU, or Mesa llvmpipe through OpenGL on CPU-only
 * machines): the same losses as the CPU backend, within f32 reordering. Under CI=true a missing
 * adapter fails; elsewhere the test is skipped with the reason printed.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from '../src/index.js';
import { sampleDataset, tinyRun } from './helpers/fixtures.js';

async function openBackend(): Promise<{ backend?: Backend; reason?: string }> {
  try {
    const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
    return { backend: await createNodeBackend() };
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return { reason: (e as Error).message };
  }
}

let data = '';
beforeAll(async () => {
  data = await sampleDataset();
}, 60_000);

describe('train on WebGPU', () => {
  it('matches the CPU backend step for step, and checkpoints', async (ctx) => {
    const { backend, reason } = await openBackend();
    if (!backend) {
      console.warn(`WebGPU test skipped: no adapter (${reason})`);
      ctx.skip();
      return;
    }
    const over = { steps: 4, seqLen: 16, eval: { every: 2, batches: 2 } };
    const cpu = await train(tinyRun(data, over));
    const gpu = await train(tinyRun(data, over), { backend });
    for (let i = 0; i < 4; i++) expect(Math.abs(gpu.losses[i]! - cpu.losses[i]!)).toBeLessThan(2e-3);
    expect(Math.abs(gpu.valLoss - cpu.valLoss)).toBeLessThan(2e-3);
    expect(gpu.checkpoint).toMatch(/step-000004$/);
    backend.dispose();
  }, 300_000);
});
