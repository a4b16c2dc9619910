import { describe, expect, it } from 'vitest';
import { record } from '../src/autograd/node.js';
import {
  BackendError,
  createCpuBackend,
  crossEntropy,
  DTypeError,
  isGradEnabled,
  memory,
  noGrad,
  randn,
  ShapeError,
  tensor,
  tidy,
} from '../src/index.js';

const cpu = createCpuBackend({ name: 'cpu-autograd-test' });
const vec = (data: number[]) => tensor(data, [data.length], 'f64', cpu);

describe('backward', () => {
  it('computes d(Σ w²)/dw = 2w', () => {
    const w = vec([1, -2, 3]).requireGrad();
    w.square().sum().backward();
    expect(Array.from(w.grad!.dataSync())).toEqual([2, -4, 6]);
  });
  it('accumulates gradients across backward calls until zeroGrad', () => {
    const w = vec([1, 2]).requireGrad();
    w.mul(3).sum().backward();
    w.mul(3).sum().backward();
    expect(Array.from(w.grad!.dataSync())).toEqual([6, 6]);
    w.zeroGrad();
    expect(w.grad).toBeNull();
  });
  it('sums gradients of a tensor used twice (diamond graph)', () => {
    const x = vec([2]).requireGrad();
    const a = x.mul(x); // x²
    const b = x.exp(); // eˣ
    a.add(b).mul(a).sum().backward(); // (x² + eˣ)·x² → d/dx = (2x + eˣ)x² + (x² + eˣ)·2x
    const e = Math.exp(2);
    expect(x.grad!.itemSync()).toBeCloseTo((4 + e) * 4 + (4 + e) * 4, 10);
  });
  it('a leaf as the loss gets gradient 1', () => {
    const x = tensor(5, [], 'f64', cpu).requireGrad();
    x.backward();
    expect(x.grad!.itemSync()).toBe(1);
  });
  it('takes an explicit upstream gradient for non-scalar outputs', () => {
    const x = vec([1, 2, 3]).requireGrad();
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(ShapeError);
    y.backward({ grad: vec([1, 10, 100]) });
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 20, 200]);
  });
  it('refuses a second backward through a freed graph unless retainGraph', () => {
    const x = vec([1, 2]).requireGrad();
    const loss = x.exp().sum();
    loss.backward({ retainGraph: true });
    loss.backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([2 * Math.exp(1), 2 * Math.exp(2)]);
    expect(() => loss.backward()).toThrow(/retainGraph/);
  });
  it('gives no gradient to inputs that do not require it', () => {
    const x = vec([1, 2]).requireGrad();
    const c = vec([3, 4]);
    x.mul(c).sum().backward();
    expect(c.grad).toBeNull();
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 4]);
  });
});

describe('engine checks', () => {
  it('a backward that returns a wrongly shaped gradient is reported with the op name', () => {
    const x = vec([1, 2, 3]).requireGrad();
    const y = x.detach();
    record('buggy', [x], y, [], (dy) => [dy.sum()]);
    expect(() => y.sum().backward()).toThrow(/buggy's input 0 to have shape \(3\), found \(\)/);
  });
});

describe('grad mode, detach and non-differentiable ops', () => {
  it('noGrad records nothing and restores the mode', () => {
    const x = vec([1]).requireGrad();
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return x.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
  });
  it('detach cuts the graph', () => {
    const x = vec([1, 2]).requireGrad();
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(() => d.sum().backward()).toThrow(BackendError);
  });
  it('backward through argmax, comparisons or a cast to int raises a clear error', () => {
    const x = vec([1, 3, 2]).requireGrad();
    expect(() => x.argmax().cast('f64').sum().backward()).toThrow(/argmax, topK indices, comparisons/);
    expect(() => x.gt(1).sum().backward()).toThrow(BackendError);
    expect(() => x.cast('i32').cast('f64').sum().backward()).toThrow(BackendError);
  });
  it('only float leaves can require grad; op outputs cannot be marked', () => {
    expect(() => tensor([1], [1], 'i32', cpu).requireGrad()).toThrow(DTypeError);
    const x = vec([1]).requireGrad();
    expect(() => x.mul(2).requireGrad()).toThrow(BackendError);
  });
});

describe('graph memory', () => {
  it('a tidy forward keeps what backward needs, and backward frees it', () => {
    const backend = createCpuBackend();
    const gen = { seed: 3, offset: 0 };
    const w = randn([8, 5], gen, 'f32', backend).requireGrad();
    const x = randn([4, 8], gen, 'f32', backend);
    const t = tensor([1, 0, 4, 2], [4], 'i32', backend);
    const base = memory(backend);
    for (let i = 0; i < 3; i++) {
      const loss = tidy(() => crossEntropy(x.matmul(w).tanh(), t));
      loss.backward();
      loss.dispose();
    }
    // only w.grad remains beyond the baseline
    const after = memory(backend);
    expect(after.liveTensors).toBe(base.liveTensors + 1);
    // w.grad: 8·5 f32 = 160 bytes, served from the 256-byte size class
    expect(after.liveBytes - base.liveBytes).toBe(256);
    w.zeroGrad();
    expect(memory(backend).liveBytes).toBe(base.liveBytes);
  });
  it('a chain of 20,000 ops backpropagates and frees without overflowing the stack', () => {
    const backend = createCpuBackend();
    const x = tensor([1.5], [1], 'f64', backend).requireGrad();
    const base = memory(backend).liveBytes;
    let y = x;
    tidy(() => {
      for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
      y = y.keep();
    });
    const total = y.sum();
    total.backward();
    expect(x.grad!.itemSync()).toBeCloseTo(1.0001 ** 20000, 6);
    total.dispose();
    y.dispose();
    x.zeroGrad();
    expect(memory(backend).liveBytes).toBe(base);
  });
  it('disposing an un-backpropagated output frees the saved tensors', () => {
    const backend = createCpuBackend();
    const w = tensor([1, 2, 3], [3], 'f32', backend).requireGrad();
    const base = memory(backend);
    const loss = tidy(() => w.exp().mul(w).sum());
    expect(memory(backend).liveBytes).toBeGreaterThan(base.liveBytes);
    loss.dispose();
    expect(memory(backend).liveBytes).toBe(base.liveBytes);
    expect(memory(backend).liveTensors).toBe(base.liveTensors);
  });
});
