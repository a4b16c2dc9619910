/**
 * The model against PyTorch/HF references (float64 runs of the same float32 weights): logits, loss,
 * every parameter's gradient, one AdamW step, greedy generation with and without the KV cache.
 */
import { AdamW, createCpuBackend, noGrad } from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { toHfTensors } from '../src/hf-weights.js';
import { createKVCache } from '../src/kv-cache.js';
import type { Model } from '../src/model.js';
import {
  expectClose,
  type FixtureName,
  fixtureModel,
  idsTensor,
  loadFixture,
  rows,
} from './helpers/fixtures.js';

/** HF-named host copies of the model's gradients. */
function hfGrads(model: Model, f: ReturnType<typeof loadFixture>) {
  const grads = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, p] of model.namedParameters()) {
    grads.set(name, { shape: [...p.shape], data: Float32Array.from(p.grad!.dataSync()) });
  }
  return toHfTensors(f.modelType, grads);
}

/** Greedy decoding, the way HF generate(do_sample=False) does it: argmax of the last position. */
function greedy(model: Model, prompt: number[], steps: number, withCache: boolean): number[] {
  const seq = [...prompt];
  const cache = withCache ? createKVCache(model, 1) : undefined;
  noGrad(() => {
    let next: number[] = seq;
    for (let s = 0; s < steps; s++) {
      const { logits } = model.forward([withCache ? next : seq], cache ? { kvCache: cache } : {});
      const [, T, V] = logits!.shape as [number, number, number];
      const last = logits!.dataSync().subarray((T - 1) * V, T * V);
      let best = 0;
      for (let v = 1; v < V; v++) if (last[v]! > last[best]!) best = v;
      logits!.dispose();
      seq.push(best);
      next = [best];
    }
  });
  cache?.dispose();
  return seq;
}

for (const name of ['gpt2-tiny', 'llama-tiny'] as FixtureName[]) {
  describe(name, () => {
    const f = loadFixture(name);

    for (const dtype of ['f32', 'f64'] as const) {
      it(`logits and loss match PyTorch (${dtype} parameters)`, () => {
        const backend = createCpuBackend();
        const model = fixtureModel(f, backend, dtype);
        const { logits, loss } = model.forward(idsTensor(f, 'input_ids', backend), {
          labels: idsTensor(f, 'labels', backend),
        });
        expect(logits!.shape).toEqual(f.expected.get('logits')!.shape);
        expectClose(logits!.dataSync(), f.expected.get('logits')!.data, 1e-4, 1e-5, 'logits');
        expectClose([loss!.itemSync()], f.expected.get('loss')!.data, 1e-4, 1e-5, 'loss');
        backend.dispose();
      });

      it(`every parameter's gradient matches PyTorch (${dtype} parameters)`, () => {
        const backend = createCpuBackend();
        const model = fixtureModel(f, backend, dtype);
        const { loss } = model.forward(rows(f, 'input_ids'), { labels: rows(f, 'labels') });
        loss!.backward();
        const grads = hfGrads(model, f);
        const names = [...f.expected.keys()].filter((k) => k.startsWith('grad.')).map((k) => k.slice(5));
        expect(new Set(grads.keys())).toEqual(new Set(names));
        // absolute floor 1e-7 ≈ 1e-6 of the largest gradient (0.14); f32 needs at most 1.5e-8 here
        for (const n of names)
          expectClose(grads.get(n)!.data, f.expected.get(`grad.${n}`)!.data, 1e-4, 1e-7, `grad.${n}`);
        backend.dispose();
      });
    }

    it('one AdamW step from our gradients matches torch.optim.AdamW', () => {
      const backend = createCpuBackend();
      const model = fixtureModel(f, backend);
      model.forward(rows(f, 'input_ids'), { labels: rows(f, 'labels') }).loss!.backward();
      const { lr, betas, eps, weight_decay: weightDecay } = f.adamw;
      // tensor-gpu's AdamW (torch semantics), every parameter decayed as in the fixture
      const opt = new AdamW(model.parameters(), { lr, betas, eps, weightDecay });
      opt.step();
      const after = new Map<string, { shape: number[]; data: Float32Array }>();
      for (const [n, p] of model.namedParameters())
        after.set(n, { shape: [...p.shape], data: Float32Array.from(p.dataSync()) });
      // Adam's first step moves a weight by lr·g/(|g| + eps) ≈ ±lr: for gradients far above eps the
      // update is exact up to rounding; for gradients that are zero in exact arithmetic (key biases:
      // softmax ignores a constant added to every score) both runs hold rounding noise ~1e-10 whose
      // sign is arbitrary, so those weights may differ by up to 2·lr. Compare them separately.
      let noisy = 0;
      for (const [n, t] of toHfTensors(f.modelType, after)) {
        const ref = f.expected.get(`after_adamw.${n}`)!.data;
        const g = f.expected.get(`grad.${n}`)!.data;
        for (let i = 0; i < ref.length; i++) {
          const tight = Math.abs(g[i]!) > 1e-6;
          if (!tight) noisy++;
          const tol = tight ? 1e-6 : 2 * lr + 1e-6;
          if (!(Math.abs(t.data[i]! - ref[i]!) <= tol)) {
            expect.fail(`after_adamw.${n}[${i}] = ${t.data[i]}, expected ${ref[i]} ± ${tol} (grad ${g[i]})`);
          }
        }
      }
      // few entries are noise-dominated (key biases, embedding rows of tokens absent from the batch)
      expect(noisy).toBeLessThan(0.1 * model.numParams());
      backend.dispose();
    });

    it('greedy generation matches HF generate, with and without the KV cache', () => {
      const backend = createCpuBackend();
      const model = fixtureModel(f, backend);
      const prompt = rows(f, 'greedy.prompt')[0]!;
      const expected = rows(f, 'greedy.output')[0]!;
      expect(greedy(model, prompt, 10, false)).toEqual(expected);
      expect(greedy(model, prompt, 10, true)).toEqual(expected);
      backend.dispose();
    });
  });
}
