/**
 * Decoding on the WebGPU backend (Dawn), where the choice runs on the device (tensor-gpu's
 * `sampleTokens`) and only ids are read back: greedy equals HF generate, and fixed-seed sampling
 * equals the CPU host path and the uncached recomputation. Under CI=true a missing adapter fails;
 * elsewhere the test is skipped with the reason printed.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { fromPretrained } from '@llmforge/transformer/node';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { type FixtureName, fixtureDir, greedyFixture, loadModel } from './helpers/models.js';

async function openBackend(): Promise<{ backend?: Backend; reason?: string }> {
  try {
    const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
    return { backend: await createNodeBackend() };
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return { reason: (e as Error).message };
  }
}

describe('WebGPU backend', () => {
  for (const name of ['gpt2-tiny', 'llama-tiny'] as FixtureName[]) {
    it(`greedy equals HF and seeded device sampling equals the CPU host path (${name})`, async (ctx) => {
      const { backend, reason } = await openBackend();
      if (!backend) {
        console.warn(`WebGPU test skipped: no adapter (${reason})`);
        ctx.skip();
        return;
      }
      const gpu = await fromPretrained(fixtureDir(name), { backend });
      const cpu = await loadModel(name);
      const { prompt, output } = await greedyFixture(name);
      const greedy = await generate(gpu, prompt, {
        temperature: 0,
        maxNewTokens: output.length - prompt.length,
      });
      expect(greedy.sequences).toEqual([output]);
      const o = { seed: 9, temperature: 0.9, topK: 12, topP: 0.95, maxNewTokens: 10, numReturnSequences: 3 };
      const onDevice = await generate(gpu, prompt, o);
      expect(onDevice.sequences).toEqual((await generate(gpu, prompt, { ...o, useCache: false })).sequences);
      expect(onDevice.sequences).toEqual((await generate(cpu, prompt, o)).sequences);
      // penalties and logprobs need the distribution on the host: same ids as the CPU run
      const p = { ...o, repetitionPenalty: 1.3, logprobs: true };
      const hostOnGpu = await generate(gpu, prompt, p);
      const hostOnCpu = await generate(cpu, prompt, p);
      expect(hostOnGpu.sequences).toEqual(hostOnCpu.sequences);
      hostOnGpu.logprobs!.forEach((row, s) => {
        row.forEach((lp, i) => {
          expect(lp.logprob).toBeCloseTo(hostOnCpu.logprobs![s]![i]!.logprob, 3);
        });
      });
    });
  }
});
