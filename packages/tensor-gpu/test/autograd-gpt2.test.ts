/**
 * The whole autograd stack against PyTorch: GPT-2 tiny (see `autograd-gpt2-model.ts`) in float64 on
 * the CPU must give the fixture's logits, loss (4.62918) and all 28 parameter gradients (the tied wte
 * gradient included); a few AdamW training steps must keep live memory flat and lower the loss.
 */
import { describe, expect, it } from 'vitest';
import {
  adamwUpdate,
  createCpuBackend,
  memory,
  noGrad,
  type Tensor,
  tensor,
  tidy,
  zerosLike,
} from '../src/index.js';
import { compareGpt2, expected, get, gpt2, model } from './autograd-gpt2-model.js';

describe('gpt2-tiny forward + backward in float64 vs PyTorch', () => {
  it('logits, loss and every parameter gradient match', async () => {
    const r = await compareGpt2(createCpuBackend({ name: 'cpu-gpt2' }), 'f64');
    expect(r.logitsError).toBeLessThan(1e-5);
    expect(r.lossError).toBeLessThan(1e-6); // the fixture's loss is 4.62918 (DATA.md)
    expect(r.gradErrors.size).toBe(28);
    // fixture stored as f32: ~1e-7 relative to the largest entry of each gradient
    const bad = [...r.gradErrors].filter(([, e]) => e > 1e-6);
    expect(bad).toEqual([]);
  });

  it('training steps (tidy forward, backward, AdamW) keep live memory flat and lower the loss', () => {
    const backend = createCpuBackend({ name: 'cpu-gpt2-train' });
    const ids = get(expected, 'input_ids');
    const labels = get(expected, 'labels');
    const ps = new Map<string, Tensor>();
    for (const [k, e] of model) ps.set(k, tensor(e.data, e.shape, 'f32', backend).requireGrad());
    const state = [...ps.values()].map((t) => ({ m: zerosLike(t), v: zerosLike(t) }));
    const losses: number[] = [];
    const live: number[] = [];
    for (let step = 1; step <= 6; step++) {
      const loss = tidy(() => gpt2(ps, ids, labels).loss);
      loss.backward();
      losses.push(loss.itemSync());
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
    expect(losses[5]!).toBeLessThan(losses[0]! - 0.1);
  });
});
