/**
 * The whole stack on the WebGPU backend against PyTorch: GPT-2 tiny forward + backward in f32
 * (the model of autograd-gpt2-model.ts, the fixture made by PyTorch in float64) must give the
 * fixture's logits, loss and all 28 parameter gradients to f32 accuracy.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { adamwUpdate, memory, noGrad, type Tensor, tensor, tidy, zerosLike } from '../src/index.js';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { compareGpt2, expected, get, gpt2, model } from './autograd-gpt2-model.js';
import { openWebGPU } from './webgpu-helpers.js';

const gpu = await openWebGPU();
afterAll(() => gpu.backend?.dispose());
/** The backend: only the suites skipped without an adapter use it. */
const backend = gpu.backend as WebGPUBackend;

describe.skipIf(gpu.skip)(gpu.title('gpt2-tiny on WebGPU vs PyTorch'), () => {
  it('logits, loss and every parameter gradient match in f32', async () => {
    const r = await compareGpt2(backend, 'f32');
    console.log(
      `webgpu gpt2-tiny: logits err ${r.logitsError.toExponential(2)}, loss err ${r.lossError.toExponential(2)}, worst grad rel err ${Math.max(...r.gradErrors.values()).toExponential(2)}`,
    );
    expect(r.logitsError).toBeLessThan(1e-5);
    expect(r.lossError).toBeLessThan(1e-5);
    expect(r.gradErrors.size).toBe(28);
    const bad = [...r.gradErrors].filter(([, e]) => e > 1e-5);
    expect(bad).toEqual([]);
  });

  it('training steps (tidy forward, backward, AdamW on the GPU) keep live memory flat and lower the loss', async () => {
    const ids = get(expected, 'input_ids');
    const labels = get(expected, 'labels');
    const ps = new Map<string, Tensor>();
    for (const [k, e] of model) ps.set(k, tensor(e.data, e.shape, 'f32', backend).requireGrad());
    const state = [...ps.values()].map((t) => ({ m: zerosLike(t), v: zerosLike(t) }));
    const losses: number[] = [];
    const live: number[] = [];
    for (let step = 1; step <= 4; step++) {
      const loss = tidy(() => gpt2(ps, ids, labels).loss);
      loss.backward();
      losses.push(await loss.item());
      loss.dispose();
      const hp = { lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step };
      noGrad(() => {
        let i = 0;
        for (const t of ps.values()) {
          adamwUpdate(t, t.grad!, state[i]!.m, state[i]!.v, hp);
          i++;
        }
      });
      for (const t of ps.values()) t.zeroGrad();
      live.push(memory(backend).liveBytes);
    }
    expect(new Set(live.slice(1)).size).toBe(1);
    expect(losses[3]!).toBeLessThan(losses[0]! - 0.05);
    for (const t of ps.values()) t.dispose();
    for (const s of state) {
      s.m.dispose();
      s.v.dispose();
    }
  });
});
