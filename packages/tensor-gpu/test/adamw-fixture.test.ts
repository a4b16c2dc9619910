/**
 * One AdamW step on the gpt2-tiny parameters with the gradients PyTorch computed, compared with
 * PyTorch's own result (`after_adamw.<param>` in expected.safetensors, made by torch.optim.AdamW in
 * float64 from the float32 weights and stored as float32).
 *
 * Tolerances: in f32, |ours − torch| ≤ 1e-6·|torch| + 1e-8 per element (float32 rounding of an
 * update of size ≈ lr = 0.01 on weights of size ≈ 0.02–1); in f64 (CPU backend), the result rounded
 * to f32 must be within one float32 ulp of torch's value.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdamW, createCpuBackend, tensor } from '../src/index.js';
import { loadSafetensors } from '../src/node.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'gpt2-tiny');

interface AdamWHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
}

async function fixture() {
  const model = await loadSafetensors(join(FIXTURES, 'model.safetensors'));
  const expected = await loadSafetensors(join(FIXTURES, 'expected.safetensors'));
  const hyper = (JSON.parse(await readFile(join(FIXTURES, 'expected.json'), 'utf8')) as { adamw: AdamWHyper })
    .adamw;
  return { model, expected, hyper };
}

describe('AdamW against torch.optim.AdamW (gpt2-tiny fixture)', () => {
  for (const dtype of ['f32', 'f64'] as const) {
    it(`one step from the fixture gradients matches after_adamw.* (${dtype})`, async () => {
      const { model, expected, hyper } = await fixture();
      const cpu = createCpuBackend();
      const names = [...model.keys()];
      expect(names.length).toBe(28);
      const params = names.map((name) => {
        const t = model.get(name)!;
        const p = tensor(t.data as Float32Array, t.shape, dtype, cpu).requireGrad();
        const g = expected.get(`grad.${name}`)!;
        p.grad = tensor(g.data as Float32Array, g.shape, dtype, cpu);
        return p;
      });
      const opt = new AdamW(params, {
        lr: hyper.lr,
        betas: hyper.betas,
        eps: hyper.eps,
        weightDecay: hyper.weight_decay,
      });
      opt.step();
      let worst = 0;
      let checked = 0;
      for (const [i, name] of names.entries()) {
        const ours = params[i]!.dataSync();
        const ref = expected.get(`after_adamw.${name}`)!.data as Float32Array;
        const before = model.get(name)!.data as Float32Array;
        expect(ours.length).toBe(ref.length);
        for (let j = 0; j < ref.length; j++) {
          const r = ref[j]!;
          const o = dtype === 'f32' ? ours[j]! : Math.fround(ours[j]!);
          const tol = dtype === 'f32' ? 1e-6 * Math.abs(r) + 1e-8 : ulp32(r);
          const err = Math.abs(o - r);
          worst = Math.max(worst, err / tol);
          if (err > tol)
            expect.fail(`${name}[${j}]: ours ${o}, torch ${r}, before ${before[j]}, error ${err} > ${tol}`);
          checked++;
        }
        // The step really moved the parameter (the test is not comparing unchanged weights).
        expect(ref.some((r, j) => r !== before[j])).toBe(true);
      }
      expect(checked).toBe(params.reduce((s, p) => s + p.size, 0));
      expect(worst).toBeLessThanOrEqual(1); // the largest error as a fraction of its tolerance
      expect(opt.stepCount(params[0]!)).toBe(1);
      cpu.dispose();
    });
  }
});

/** One unit in the last place of a float32 value. */
function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (a === 0) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** Math.max(e - 23, -149);
}
