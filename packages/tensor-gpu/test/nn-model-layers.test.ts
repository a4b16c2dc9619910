/**
 * What a transformer built from these modules needs: device initialisers (`deviceNormal`,
 * `deviceConstant`), f64 and bias-free layers, Linear on (B, T, in), and `Embedding.attend` as a
 * tied output head.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  createCpuBackend,
  deviceConstant,
  deviceNormal,
  Embedding,
  fillNormal,
  LayerNorm,
  Linear,
  normal,
  normalCounters,
  RandomGenerator,
  type Tensor,
  tensor,
  zerosInit,
} from '../src/index.js';

const cpu = createCpuBackend();
const host = (t: Tensor) => Array.from(t.dataSync());

function expectClose(ours: ArrayLike<number>, theirs: ArrayLike<number>, tol: number): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i++) {
    if (Math.abs(ours[i]! - theirs[i]!) > tol * (1 + Math.abs(theirs[i]!))) {
      expect.fail(`[${i}] ours ${ours[i]} vs ${theirs[i]}`);
    }
  }
}

describe('device initialisers', () => {
  it('deviceNormal draws the numbers normal draws, from the same counters, on the CPU backend', () => {
    const a = new RandomGenerator(3, 10);
    const b = new RandomGenerator(3, 10);
    const onHost = new Linear(40, 24, { generator: a, backend: cpu, weightInit: normal(0, 0.02) });
    const onDevice = new Linear(40, 24, { generator: b, backend: cpu, weightInit: deviceNormal(0, 0.02) });
    expect(host(onDevice.weight)).toEqual(host(onHost.weight));
    // the weight (960 normals, 480 counters) is drawn before the default bias (24 uniforms, 6 counters)
    expect(b.offset).toBe(a.offset);
    expect(b.offset).toBe(10 + normalCounters(960) + 6);
    expect(host(onDevice.bias!)).toEqual(host(onHost.bias!));
  });

  it('deviceNormal draws f64 parameters in f64 (not f32 values widened)', () => {
    const gen = new RandomGenerator(5);
    const w = new Linear(16, 8, {
      generator: gen,
      backend: cpu,
      dtype: 'f64',
      bias: false,
      weightInit: deviceNormal(1, 0.5),
    });
    expect(w.weight.dtype).toBe('f64');
    expect(w.bias).toBeNull();
    const want = new Float64Array(128);
    fillNormal(want, 5, 0, 1, 0.5);
    expect(host(w.weight)).toEqual(Array.from(want));
    expect(Array.from(want).some((v) => Math.fround(v) !== v)).toBe(true);
  });

  it('deviceConstant fills without drawing', () => {
    const gen = new RandomGenerator(1);
    const e = new Embedding(7, 3, {
      generator: gen,
      backend: cpu,
      dtype: 'f64',
      weightInit: deviceConstant(0.25),
    });
    expect(host(e.weight)).toEqual(new Array(21).fill(0.25));
    expect(gen.offset).toBe(0);
    const fc = new Linear(3, 2, {
      generator: gen,
      backend: cpu,
      weightInit: deviceConstant(0),
      biasInit: zerosInit(),
    });
    expect(host(fc.weight)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(gen.offset).toBe(0);
  });

  it('a bias-free LayerNorm in f64 has only its gain', () => {
    const ln = new LayerNorm(4, { backend: cpu, dtype: 'f64', bias: false });
    expect([...ln.stateDict().keys()]).toEqual(['weight']);
    expect(ln.weight!.dtype).toBe('f64');
  });
});

describe('Embedding.attend: the tied output head', () => {
  it('x · Wᵀ, and the table gets the gradients of both the lookup and the head (as tfjs computes them)', () => {
    const gen = new RandomGenerator(21);
    const wte = new Embedding(9, 4, { generator: gen, backend: cpu });
    const ids = new Int32Array([2, 7, 2, 0]);
    const r = gen.normalArray(4 * 9);
    // logits = lookup(ids) · Wᵀ: the table is used twice, as in GPT-2 with tied embeddings
    const logits = wte.attend(wte.forward(tensor(ids, [4], 'i32', cpu)));
    expect(logits.shape).toEqual([4, 9]);
    logits
      .mul(tensor(r, [4, 9], 'f32', cpu))
      .sum()
      .backward();
    const W = tf.tensor(Float32Array.from(wte.weight.dataSync()), [9, 4]);
    const idx = tf.tensor1d(ids, 'int32');
    const f = (w: tf.Tensor) => tf.matMul(tf.gather(w, idx), w, false, true);
    expectClose(host(logits), f(W).dataSync(), 1e-6);
    const [dw] = tf.grads((w) =>
      f(w!)
        .mul(tf.tensor(r, [4, 9]))
        .sum(),
    )([W]);
    expectClose(host(wte.weight.grad!), dw!.dataSync(), 1e-5);
  });

  it('folds leading dims: (B, T, dim) → (B, T, numEmbeddings)', () => {
    const wte = new Embedding(5, 3, { generator: new RandomGenerator(2), backend: cpu });
    const x = tensor(new RandomGenerator(3).normalArray(2 * 4 * 3), [2, 4, 3], 'f32', cpu);
    const y = wte.attend(x);
    expect(y.shape).toEqual([2, 4, 5]);
    expectClose(host(y), host(wte.attend(x.reshape([8, 3]))), 0);
  });
});

describe('Linear on (B, T, in)', () => {
  it('equals the (B·T, in) product bit for bit, gradients included (one GEMM, a one-axis bias sum)', () => {
    const gen = new RandomGenerator(8);
    const fc = new Linear(6, 5, { generator: gen, backend: cpu });
    const xs = gen.normalArray(2 * 3 * 6);
    const r = gen.normalArray(2 * 3 * 5);
    const run = (shape: number[]) => {
      fc.zeroGrad();
      const x = tensor(xs, shape, 'f32', cpu).requireGrad();
      const y = fc.forward(x);
      y.mul(tensor(r, [...shape.slice(0, -1), 5], 'f32', cpu))
        .sum()
        .backward();
      return { y, dx: host(x.grad!), dw: host(fc.weight.grad!), db: host(fc.bias!.grad!) };
    };
    const three = run([2, 3, 6]);
    const two = run([6, 6]);
    expect(three.y.shape).toEqual([2, 3, 5]);
    expect(host(three.y)).toEqual(host(two.y));
    expect(three.dx).toEqual(two.dx);
    expect(three.dw).toEqual(two.dw);
    expect(three.db).toEqual(two.db);
  });
});
