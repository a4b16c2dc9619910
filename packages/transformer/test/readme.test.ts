/** The README's ten-line example, run as written (paths relative to the package folder). */
import { fileURLToPath } from 'node:url';
import { AdamW, createCpuBackend, decayGroups } from '@llmforge/tensor-gpu';
import { expect, it } from 'vitest';
import { createModel, fromPretrained, presets } from '../src/index.js';

it('runs the README example', async () => {
  const dir = fileURLToPath(new URL('../../../fixtures/gpt2-tiny', import.meta.url));
  const model = await fromPretrained(dir, { backend: createCpuBackend() });
  const ids = [[17, 4, 61, 33, 8, 90, 2, 5]];
  const { logits, loss } = model.forward(ids, { labels: ids });
  expect(logits!.shape).toEqual([1, 8, 98]);
  // an untrained-ish tiny model: close to the uniform ln(98) = 4.585
  expect(loss!.itemSync()).toBeGreaterThan(3);
  expect(loss!.itemSync()).toBeLessThan(6);
  loss!.backward();
  expect(model.parameter('h.0.attn.q.weight')!.grad!.shape).toEqual([48, 48]);
  const fresh = createModel({ ...presets['tiny-llama'], vocabSize: 2000 }, { seed: 42 });
  expect(fresh.numParams()).toBeGreaterThan(0);
  fresh.dispose();
});

it('runs the README training loop and the loss falls', () => {
  const model = createModel({ ...presets['tiny-gpt'], vocabSize: 64, nLayer: 2 }, { seed: 0 });
  const opt = new AdamW(decayGroups(model.namedParameters(), 0.1), { lr: 3e-3, betas: [0.9, 0.95] });
  const batch = [[1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]];
  const losses: number[] = [];
  for (let step = 0; step < 30; step++) {
    const loss = model.forwardBackward(batch, { labels: batch, checkpoint: false });
    opt.step();
    model.zeroGrad();
    losses.push(loss.itemSync());
    loss.dispose();
  }
  expect(losses[0]).toBeGreaterThan(3.5); // ≈ ln 64 = 4.16 at init
  expect(losses[29]).toBeLessThan(0.5 * losses[0]!);
  model.dispose();
});
