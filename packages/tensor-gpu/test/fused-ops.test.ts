/**
 * The fused ops against the unfused ops they replace, on the default CPU backend (f32, WebAssembly
 * kernels, threads): `linear` = matmul + bias + activation, `addLayerNorm` / `addRmsNorm` = add +
 * norm, forward values and every gradient; the baby GPT's loss and gradients with and without the
 * fused ops; and gradients summed in place (an input feeding several ops, a leaf's `.grad` across
 * two `backward()` calls) equal to gradients summed by adds. (Gradchecks in float64:
 * `gradcheck-fused.test.ts`; the kernels against the reference kernels: `cpu-simd.test.ts`.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  addLayerNorm,
  addRmsNorm,
  createCpuBackend,
  layerNorm,
  linear,
  randn,
  rmsNorm,
  type Tensor,
} from '../src/index.js';
import { BABY, BabyGpt, babyBatch } from './cpu-baby-gpt.js';

const cpu = createCpuBackend({ name: 'fused-ops' });
afterAll(() => cpu.dispose());

let seed = 1;
const rand = (shape: number[], scale = 1) => randn(shape, { seed: seed++, offset: 0 }, 'f32', cpu, 0, scale);

/** Max |a − b| / (1 + |b|) over two tensors' values. */
function relErr(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!)));
  return worst;
}

/** Runs f on fresh leaves copied from `inputs`, backward through a random projection; output and grads. */
function withGrads(inputs: Tensor[], probe: Tensor, f: (...xs: Tensor[]) => Tensor): Tensor[] {
  const xs = inputs.map((t) => t.detach().clone().requireGrad());
  const y = f(...xs);
  y.mul(probe).sum().backward();
  return [y.detach(), ...xs.map((x) => x.grad!)];
}

describe('fused ops equal the ops they replace (f32, WebAssembly kernels)', () => {
  for (const activation of ['none', 'gelu_erf', 'gelu_tanh', 'relu', 'silu'] as const) {
    it(`linear (${activation}) = matmul + bias + ${activation}, values and gradients`, () => {
      const inputs = [rand([3, 37, 40]), rand([70, 40], 0.2), rand([70])];
      const probe = rand([3, 37, 70]);
      const fused = withGrads(inputs, probe, (x, w, b) => linear(x!, w!, b!, { activation }));
      const plain = withGrads(inputs, probe, (x, w, b) => {
        const pre = x!.matmul(w!, { transB: true }).add(b!);
        return activation === 'none' ? pre : pre.unary(activation);
      });
      fused.forEach((t, i) => {
        expect(relErr(t, plain[i]!), `output ${i}`).toBeLessThan(2e-5);
      });
    });
  }

  it('addLayerNorm and addRmsNorm = add + norm, values and gradients (both outputs used)', () => {
    const inputs = [rand([4, 9, 48]), rand([4, 9, 48]), rand([48]), rand([48])];
    const probe = rand([4, 9, 48]);
    const fusedLn = withGrads(inputs, probe, (x, r, w, b) => {
      const { sum, y } = addLayerNorm(x!, r!, w!, b!);
      return sum.mul(y);
    });
    const plainLn = withGrads(inputs, probe, (x, r, w, b) => {
      const sum = x!.add(r!);
      return sum.mul(layerNorm(sum, w!, b!));
    });
    fusedLn.forEach((t, i) => {
      expect(relErr(t, plainLn[i]!), `layer norm output ${i}`).toBeLessThan(2e-5);
    });
    const fusedRms = withGrads(inputs.slice(0, 3), probe, (x, r, w) => {
      const { sum, y } = addRmsNorm(x!, r!, w!);
      return sum.mul(y);
    });
    const plainRms = withGrads(inputs.slice(0, 3), probe, (x, r, w) => {
      const sum = x!.add(r!);
      return sum.mul(rmsNorm(sum, w!));
    });
    fusedRms.forEach((t, i) => {
      expect(relErr(t, plainRms[i]!), `rms norm output ${i}`).toBeLessThan(2e-5);
    });
  });

  it('the baby GPT with and without the fused ops: the same loss and gradients', () => {
    const { ids, targets } = babyBatch(BABY, cpu);
    const results = [true, false].map((fused) => {
      const model = new BabyGpt(BABY, cpu, 1, fused);
      const loss = model.loss(ids, targets);
      loss.backward();
      const value = loss.itemSync();
      loss.dispose();
      return { model, value };
    });
    const [fused, plain] = results as [(typeof results)[0], (typeof results)[0]];
    expect(Math.abs(fused.value - plain.value)).toBeLessThan(1e-5);
    for (const [name, p] of fused.model.params) {
      expect(relErr(p.grad!, plain.model.params.get(name)!.grad!), name).toBeLessThan(1e-5);
    }
    for (const r of results) r.model.dispose();
    ids.dispose();
    targets.dispose();
  });
});

describe('gradients summed in place', () => {
  it('an input feeding several ops gets the sum of their gradients', () => {
    const [x0, w, g] = [rand([6, 32]), rand([24, 32], 0.3), rand([32])];
    const grad = (f: (h: Tensor) => Tensor[]) => {
      const x = x0.detach().clone().requireGrad();
      const h = x.mul(1.5);
      for (const term of f(h)) term.sum().backward({ retainGraph: true });
      return x.grad!;
    };
    const terms = (h: Tensor) => [
      linear(h, w, null, { activation: 'gelu_erf' }).square(),
      h.matmul(w, { transB: true }).square(),
      layerNorm(h, g).mul(rmsNorm(h, g)),
      h.square(),
    ];
    // one backward through all terms (accumulated in place) against one backward per term (summed
    // across calls into the leaf's .grad)
    const together = grad((h) => [terms(h).reduce((a, b) => a.sum().add(b.sum()))]);
    const separately = grad(terms);
    expect(relErr(together, separately)).toBeLessThan(1e-5);
  });

  it("a leaf's .grad accumulates across backward() calls, in place", () => {
    const w = rand([8, 16]).requireGrad();
    const x = rand([5, 16]);
    const step = () => linear(x, w, null, { activation: 'silu' }).sum().backward();
    step();
    const first = w.grad!;
    const once = Float32Array.from(first.dataSync() as Float32Array);
    step();
    expect(w.grad).toBe(first); // summed into the same tensor
    const twice = w.grad!.dataSync();
    for (let i = 0; i < once.length; i++) expect(twice[i]).toBeCloseTo(2 * once[i]!, 5);
  });

  it('a gradient another handle shares is not written in place', () => {
    const w = rand([8, 16]).requireGrad();
    const x = rand([5, 16]);
    const step = () => linear(x, w, null, { activation: 'relu' }).sum().backward();
    step();
    const view = w.grad!.reshape([16, 8]); // shares the storage
    const before = Float32Array.from(view.dataSync() as Float32Array);
    step();
    expect(view.dataSync()).toEqual(before);
    const after = w.grad!.dataSync();
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(2 * before[i]!, 5);
  });
});
