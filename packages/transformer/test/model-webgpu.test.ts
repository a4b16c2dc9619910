/**
 * The fixture logits/loss check on the WebGPU backend (Dawn: a GPU, or Mesa llvmpipe through OpenGL
 * on CPU-only machines). Under CI=true a missing adapter fails; elsewhere the test is skipped with
 * the reason printed.
 */
import type { Backend } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { toHfTensors } from '../src/hf-weights.js';
import { createKVCache } from '../src/kv-cache.js';
import {
  expectClose,
  type FixtureName,
  fixtureModel,
  idsTensor,
  loadFixture,
  rows,
} from './helpers/fixtures.js';

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
    it(`logits, loss, gradients and cached greedy decoding match PyTorch (${name})`, async (ctx) => {
      const { backend, reason } = await openBackend();
      if (!backend) {
        console.warn(`WebGPU test skipped: no adapter (${reason})`);
        ctx.skip();
        return;
      }
      const f = loadFixture(name);
      const model = fixtureModel(f, backend);
      const { logits, loss } = model.forward(idsTensor(f, 'input_ids', backend), {
        labels: idsTensor(f, 'labels', backend),
      });
      expectClose(await logits!.data(), f.expected.get('logits')!.data, 1e-4, 1e-5, 'logits');
      expectClose([await loss!.item()], f.expected.get('loss')!.data, 1e-4, 1e-5, 'loss');
      // every parameter's gradient, as on the CPU backend
      loss!.backward();
      const grads = new Map<string, { shape: number[]; data: Float32Array }>();
      for (const [n, p] of model.namedParameters()) {
        grads.set(n, { shape: [...p.shape], data: Float32Array.from(await p.grad!.data()) });
      }
      for (const [n, g] of toHfTensors(f.modelType, grads)) {
        expectClose(g.data, f.expected.get(`grad.${n}`)!.data, 1e-4, 1e-7, `grad.${n}`);
      }
      // greedy with the KV cache, reading back only the last position's logits each step
      const seq = rows(f, 'greedy.prompt')[0]!;
      const cache = createKVCache(model, 1);
      let next = [...seq];
      for (let s = 0; s < 10; s++) {
        const out = model.forward([next], { kvCache: cache }).logits!;
        const [, T, V] = out.shape as [number, number, number];
        const last = (await out.data()).subarray((T - 1) * V, T * V);
        out.dispose();
        let best = 0;
        for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
        seq.push(best);
        next = [best];
      }
      expect(seq).toEqual(rows(f, 'greedy.output')[0]);
      cache.dispose();
      model.dispose();
      backend.dispose();
    });
  }
});
