/**
 * Leak check: 10,000 forward/backward/clip/AdamW iterations of a tiny MLP on the CPU backend. Every
 * temporary (activations, the tape's saved tensors, gradients, clip scales) must go back to the pool,
 * so the live bytes and live tensor count after iteration 100 and after iteration 10,000 are EXACTLY
 * equal, and disposing the model and optimizer returns to the starting point.
 */
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  clipGradNorm,
  createCpuBackend,
  Linear,
  Module,
  memory,
  noGrad,
  RandomGenerator,
  type Tensor,
  tensor,
  tidy,
} from '../src/index.js';

class Mlp extends Module {
  fc1: Linear;
  fc2: Linear;
  constructor(gen: RandomGenerator, backend: ReturnType<typeof createCpuBackend>) {
    super();
    this.fc1 = this.registerModule('fc1', new Linear(4, 16, { generator: gen, backend }));
    this.fc2 = this.registerModule('fc2', new Linear(16, 1, { generator: gen, backend }));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc2.forward(this.fc1.forward(x).gelu('tanh')));
  }
}

describe('memory stays flat over a long training loop', () => {
  it('10,000 iterations: liveBytes and liveTensors at iteration 100 equal those at 10,000', () => {
    const cpu = createCpuBackend();
    const start = memory(cpu);
    const gen = new RandomGenerator(0);
    const model = new Mlp(gen, cpu);
    const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0 });
    // y = sum of inputs: a target the MLP can learn.
    const xs = gen.normalArray(8 * 4);
    const ys = new Float32Array(8).map(
      (_, i) => xs[4 * i]! + xs[4 * i + 1]! - xs[4 * i + 2]! + 0.5 * xs[4 * i + 3]!,
    );
    const x = tensor(xs, [8, 4], 'f32', cpu);
    const y = tensor(ys, [8, 1], 'f32', cpu);

    let at100 = memory(cpu);
    let firstLoss = 0;
    let lastLoss = 0;
    for (let it = 1; it <= 10_000; it++) {
      const loss = tidy(() => model.forward(x).sub(y).square().mean());
      if (it === 1) firstLoss = loss.itemSync();
      loss.backward();
      loss.dispose();
      const norm = clipGradNorm(model.parameters(), 1.0);
      norm.dispose();
      opt.step();
      opt.zeroGrad();
      if (it === 100) at100 = memory(cpu);
    }
    const at10k = memory(cpu);
    const final = noGrad(() => tidy(() => model.forward(x).sub(y).square().mean()));
    lastLoss = final.itemSync();
    final.dispose();
    expect(at10k.liveTensors).toBe(at100.liveTensors);
    expect(at10k.liveBytes).toBe(at100.liveBytes);
    expect(at10k.liveBuffers).toBe(at100.liveBuffers);
    // The pool did not grow either: the same buffers were reused.
    expect(at10k.pooledBytes + at10k.liveBytes).toBe(at100.pooledBytes + at100.liveBytes);
    // It trained (so the loop really ran forward, backward and updates).
    expect(lastLoss).toBeLessThan(firstLoss / 10);
    // Disposing everything returns to the start.
    x.dispose();
    y.dispose();
    model.dispose();
    opt.dispose();
    expect(memory(cpu).liveBytes).toBe(start.liveBytes);
    expect(memory(cpu).liveTensors).toBe(start.liveTensors);
    cpu.dispose();
  });
});
