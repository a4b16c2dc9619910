import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  createCpuBackend,
  Dropout,
  Embedding,
  fans,
  kaimingUniform,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  memory,
  normal,
  RandomGenerator,
  RMSNorm,
  StateDictError,
  type Tensor,
  tensor,
  tidy,
  xavierUniform,
} from '../src/index.js';
import { loadSafetensors, loadSafetensorsInto, saveTensors } from '../src/node.js';

const cpu = createCpuBackend();
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'gpt2-tiny');
const tmp = await mkdtemp(join(tmpdir(), 'llmforge-nn-'));
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function expectClose(ours: ArrayLike<number>, theirs: ArrayLike<number>, tol = 1e-5): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i++) {
    const err = Math.abs(ours[i]! - theirs[i]!);
    if (err > tol * (1 + Math.abs(theirs[i]!))) expect.fail(`[${i}] ours ${ours[i]} vs ${theirs[i]}`);
  }
}

const host = (t: Tensor) => Float32Array.from(t.dataSync());

describe('layers against tfjs (forward and gradients)', () => {
  it('Linear: y = x Wᵀ + b and its gradients', () => {
    const gen = new RandomGenerator(11);
    const fc = new Linear(5, 3, { generator: gen, backend: cpu });
    const xs = gen.normalArray(2 * 4 * 5);
    const r = gen.normalArray(2 * 4 * 3);
    const x = tensor(xs, [2, 4, 5], 'f32', cpu).requireGrad();
    const y = fc.forward(x);
    expect(y.shape).toEqual([2, 4, 3]);
    y.mul(tensor(r, [2, 4, 3], 'f32', cpu))
      .sum()
      .backward();

    const W = tf.tensor(host(fc.weight), [3, 5]);
    const B = tf.tensor(host(fc.bias!), [3]);
    const X = tf.tensor(xs, [2, 4, 5]);
    const R = tf.tensor(r, [2, 4, 3]);
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf
        .matMul(xx.reshape([8, 5]), ww, false, true)
        .reshape([2, 4, 3])
        .add(bb);
    expectClose(host(y), f(X, W, B).dataSync());
    const [dx, dw, db] = tf.grads((xx, ww, bb) => f(xx!, ww!, bb!).mul(R).sum())([X, W, B]);
    expectClose(host(x.grad!), dx!.dataSync());
    expectClose(host(fc.weight.grad!), dw!.dataSync());
    expectClose(host(fc.bias!.grad!), db!.dataSync());
  });

  it('Embedding: rows by id; the gradient accumulates into repeated rows', () => {
    const gen = new RandomGenerator(12);
    const emb = new Embedding(6, 4, { generator: gen, backend: cpu });
    const ids = new Int32Array([1, 3, 1, 0, 5]);
    const r = gen.normalArray(5 * 4);
    const y = emb.forward(tensor(ids, [5], 'i32', cpu));
    y.mul(tensor(r, [5, 4], 'f32', cpu))
      .sum()
      .backward();
    const table = tf.tensor(host(emb.weight), [6, 4]);
    const idx = tf.tensor1d(ids, 'int32');
    expectClose(host(y), tf.gather(table, idx).dataSync(), 0);
    const [dt] = tf.grads((t) =>
      tf
        .gather(t!, idx)
        .mul(tf.tensor(r, [5, 4]))
        .sum(),
    )([table]);
    expectClose(host(emb.weight.grad!), dt!.dataSync());
  });

  it('LayerNorm and RMSNorm match the formulas computed with tfjs ops, gradients included', () => {
    const gen = new RandomGenerator(13);
    const xs = gen.normalArray(3 * 8, 1, 2);
    const r = gen.normalArray(3 * 8);
    const ln = new LayerNorm(8, { backend: cpu });
    const rms = new RMSNorm(8, { backend: cpu, eps: 1e-5 });
    // Non-trivial affine parameters.
    ln.loadStateDict({
      weight: { shape: [8], data: gen.normalArray(8, 1, 0.5) },
      bias: { shape: [8], data: gen.normalArray(8) },
    });
    rms.loadStateDict({ weight: { shape: [8], data: gen.normalArray(8, 1, 0.5) } });

    const X = tf.tensor(xs, [3, 8]);
    const R = tf.tensor(r, [3, 8]);
    const lnRef = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(w).add(b);
    };
    const rmsRef = (x: tf.Tensor, w: tf.Tensor) => x.div(x.square().mean(-1, true).add(1e-5).sqrt()).mul(w);

    const x1 = tensor(xs, [3, 8], 'f32', cpu).requireGrad();
    const y1 = ln.forward(x1);
    y1.mul(tensor(r, [3, 8], 'f32', cpu))
      .sum()
      .backward();
    const W = tf.tensor(host(ln.weight!));
    const B = tf.tensor(host(ln.bias!));
    expectClose(host(y1), lnRef(X, W, B).dataSync(), 1e-5);
    const [dx, dw, db] = tf.grads((x, w, b) => lnRef(x!, w!, b!).mul(R).sum())([X, W, B]);
    expectClose(host(x1.grad!), dx!.dataSync(), 1e-4);
    expectClose(host(ln.weight!.grad!), dw!.dataSync(), 1e-4);
    expectClose(host(ln.bias!.grad!), db!.dataSync(), 1e-4);

    const x2 = tensor(xs, [3, 8], 'f32', cpu).requireGrad();
    const y2 = rms.forward(x2);
    y2.mul(tensor(r, [3, 8], 'f32', cpu))
      .sum()
      .backward();
    const RW = tf.tensor(host(rms.weight));
    expectClose(host(y2), rmsRef(X, RW).dataSync(), 1e-5);
    const [rdx, rdw] = tf.grads((x, w) => rmsRef(x!, w!).mul(R).sum())([X, RW]);
    expectClose(host(x2.grad!), rdx!.dataSync(), 1e-4);
    expectClose(host(rms.weight.grad!), rdw!.dataSync(), 1e-4);
  });

  it('Dropout: drops about p, scales by 1/(1−p), same mask in backward, reproducible, off in eval', () => {
    const x = tensor(new Float32Array(4000).fill(1), [4000], 'f32', cpu).requireGrad();
    const drop = new Dropout(0.25, { generator: new RandomGenerator(9) });
    const y = drop.forward(x);
    const yv = host(y);
    const zeros = yv.filter((v) => v === 0).length;
    expect(Math.abs(zeros / 4000 - 0.25)).toBeLessThan(0.03);
    expect(yv.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    y.sum().backward();
    expect(host(x.grad!)).toEqual(yv); // d(sum)/dx = the mask · 1/(1−p)
    expect(host(new Dropout(0.25, { generator: new RandomGenerator(9) }).forward(x))).toEqual(yv);
    expect(host(drop.forward(x))).not.toEqual(yv); // the generator moved on
    drop.eval();
    expect(host(drop.forward(x))).toEqual(new Float32Array(4000).fill(1));
    expect(() => new Dropout(1, { generator: new RandomGenerator(0) })).toThrow(
      /Dropout: expected p in \[0, 1\)/,
    );
  });
});

describe('initialisers (torch conventions)', () => {
  it('fans and bounds', () => {
    expect(fans([3072, 768])).toEqual({ fanIn: 768, fanOut: 3072 });
    expect(fans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
    const gen = new RandomGenerator(5);
    const w = kaimingUniform({ a: Math.sqrt(5) })([64, 400], gen);
    const bound = 1 / Math.sqrt(400);
    expect(w.every((v) => Math.abs(v) <= bound)).toBe(true);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeCloseTo((bound * bound) / 3, 4);
    const xb = Math.sqrt(6 / (64 + 400));
    expect(xavierUniform()([64, 400], gen).every((v) => Math.abs(v) <= xb)).toBe(true);
    const n = normal(0, 0.02)([100000], gen);
    const std = Math.sqrt(n.reduce((s, v) => s + v * v, 0) / n.length);
    expect(std).toBeCloseTo(0.02, 3);
  });

  it('Linear default init is torch’s (kaiming a=√5 weight, ±1/√in bias) and reproducible from the seed', () => {
    const a = new Linear(100, 30, { generator: new RandomGenerator(1), backend: cpu });
    const b = new Linear(100, 30, { generator: new RandomGenerator(1), backend: cpu });
    expect(host(a.weight)).toEqual(host(b.weight));
    expect(host(a.weight).every((v) => Math.abs(v) <= 0.1)).toBe(true);
    expect(host(a.bias!).every((v) => Math.abs(v) <= 0.1)).toBe(true);
    expect(() => new Linear(2, 2, { backend: cpu })).toThrow(ArgumentError);
  });
});

class Block extends Module {
  ln = this.registerModule('ln', new LayerNorm(4, { backend: cpu }));
  fc: Linear;
  constructor(gen: RandomGenerator) {
    super();
    this.fc = this.registerModule('fc', new Linear(4, 4, { generator: gen, backend: cpu }));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => x.add(this.fc.forward(this.ln.forward(x)).relu()));
  }
}

class Tiny extends Module {
  wte: Embedding;
  h: ModuleList<Block>;
  drop: Dropout;
  constructor(seed: number) {
    super();
    const gen = new RandomGenerator(seed);
    this.wte = this.registerModule('wte', new Embedding(10, 4, { generator: gen, backend: cpu }));
    this.h = this.registerModule('h', new ModuleList([new Block(gen), new Block(gen)]));
    this.drop = this.registerModule('drop', new Dropout(0.1, { generator: gen }));
    // Tie an output head to the embedding (GPT-2 style).
    this.registerParameter('lm_head', this.wte.weight);
  }
  forward(ids: Tensor): Tensor {
    return tidy(() => {
      let x = this.drop.forward(this.wte.forward(ids));
      for (const b of this.h) x = b.forward(x);
      return x.matmul(this.wte.weight, { transB: true });
    });
  }
}

describe('Module', () => {
  it('names parameters by dotted path; tied weights once in parameters(), twice in stateDict()', () => {
    const m = new Tiny(1);
    // As in torch: the root's own parameters first, then children depth first; a tied tensor keeps its first name.
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'lm_head',
      'h.0.ln.weight',
      'h.0.ln.bias',
      'h.0.fc.weight',
      'h.0.fc.bias',
      'h.1.ln.weight',
      'h.1.ln.bias',
      'h.1.fc.weight',
      'h.1.fc.bias',
    ]);
    expect([...m.stateDict().keys()]).toEqual([
      'lm_head',
      'wte.weight',
      ...m
        .namedParameters()
        .slice(1)
        .map(([n]) => n),
    ]);
    expect(m.numParameters()).toBe(40 + 2 * (4 + 4 + 16 + 4));
    expect(m.namedModules().map(([n]) => n)).toEqual([
      '',
      'wte',
      'h',
      'h.0',
      'h.0.ln',
      'h.0.fc',
      'h.1',
      'h.1.ln',
      'h.1.fc',
      'drop',
    ]);
    m.eval();
    expect(m.namedModules().every(([, c]) => !c.training)).toBe(true);
    m.train();
    expect(m.drop.training).toBe(true);
    m.dispose();
  });

  it('stateDict → safetensors file → loadStateDict into a differently seeded model gives identical outputs', async () => {
    const a = new Tiny(1).eval();
    const b = new Tiny(2).eval();
    const ids = tensor(new Int32Array([1, 2, 3, 9]), [1, 4], 'i32', cpu);
    const ya = host(a.forward(ids));
    expect(host(b.forward(ids))).not.toEqual(ya);
    const path = join(tmp, 'tiny.safetensors');
    await saveTensors(path, a.stateDict(), { format: 'pt' });
    const file = await loadSafetensors(path);
    expect(file.size).toBe(10);
    const { missing, unexpected } = b.loadStateDict(file);
    expect([missing, unexpected]).toEqual([[], []]);
    expect(host(b.forward(ids))).toEqual(ya);
    // Loading from another module's tensors works too (device copy, no host round trip).
    const c = new Tiny(3).eval();
    c.loadStateDict(a.stateDict());
    expect(host(c.forward(ids))).toEqual(ya);
    // From tensors on another (CPU) backend: through a synchronous host read.
    const other = createCpuBackend();
    const d = new Linear(4, 4, { generator: new RandomGenerator(1), backend: other });
    const e = new Linear(4, 4, { generator: new RandomGenerator(2), backend: cpu });
    e.loadStateDict(d.stateDict());
    expect(host(e.weight)).toEqual(host(d.weight));
    expect(e.weight.backend).toBe(cpu);
    other.dispose();
    for (const m of [a, b, c, e]) m.dispose();
  });

  it('strict loading lists every missing, unexpected and mis-shaped key; non-strict loads the rest', () => {
    const m = new Tiny(1);
    const src = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [k, t] of m.stateDict())
      src.set(k, { shape: [...t.shape], data: new Float32Array(t.size).fill(0.5) });
    src.delete('h.1.fc.bias');
    src.set('h.2.fc.bias', { shape: [4], data: new Float32Array(4) });
    try {
      m.loadStateDict(src);
      expect.fail('no error');
    } catch (e) {
      expect(StateDictError.isInstance(e)).toBe(true);
      const err = e as StateDictError;
      expect(err.missing).toEqual(['h.1.fc.bias']);
      expect(err.unexpected).toEqual(['h.2.fc.bias']);
      expect(err.message).toMatch(
        /Tiny\.loadStateDict: expected the 10 keys .* found missing 1 \(h\.1\.fc\.bias\), unexpected 1 \(h\.2\.fc\.bias\)/,
      );
    }
    expect(host(m.h.at(0)!.fc.weight)).not.toEqual(new Float32Array(16).fill(0.5)); // nothing written
    const result = m.loadStateDict(src, { strict: false });
    expect(result).toEqual({ missing: ['h.1.fc.bias'], unexpected: ['h.2.fc.bias'] });
    expect(host(m.h.at(0)!.fc.weight)).toEqual(new Float32Array(16).fill(0.5));
    src.set('h.1.fc.bias', { shape: [1, 4], data: new Float32Array(4) });
    expect(() => m.loadStateDict(src, { strict: false })).toThrow(
      /mis-shaped 1 \(h\.1\.fc\.bias: expected \(4\), found \(1,4\)\)/,
    );
    m.dispose();
  });

  it('HF GPT-2 Conv1D weights are (in, out): loading them into Linear layers names each mis-shaped key', async () => {
    class Attn extends Module {
      c_attn = this.registerModule(
        'c_attn',
        new Linear(48, 144, { generator: new RandomGenerator(0), backend: cpu }),
      );
    }
    class Gpt2Slice extends Module {
      ln_f = this.registerModule('ln_f', new LayerNorm(48, { backend: cpu }));
      attn = this.registerModule('attn', new Attn());
    }
    const file = await loadSafetensors(join(FIXTURES, 'model.safetensors'));
    const rename = new Map([
      ['ln_f.weight', file.get('transformer.ln_f.weight')!],
      ['ln_f.bias', file.get('transformer.ln_f.bias')!],
      ['attn.c_attn.weight', file.get('transformer.h.0.attn.c_attn.weight')!],
      ['attn.c_attn.bias', file.get('transformer.h.0.attn.c_attn.bias')!],
    ]);
    const m = new Gpt2Slice();
    expect(() => m.loadStateDict(rename)).toThrow(
      /attn\.c_attn\.weight: expected \(144,48\), found \(48,144\).*hint: .*transpose/,
    );
    rename.delete('attn.c_attn.weight');
    m.loadStateDict(rename, { strict: false });
    expect(host(m.ln_f.weight!)).toEqual(file.get('transformer.ln_f.weight')!.data);
    m.dispose();
  });

  it('loadSafetensorsInto streams the HF fixture into a module, with renames, checking keys first', async () => {
    class Slice extends Module {
      wte = this.registerModule(
        'wte',
        new Embedding(98, 48, { generator: new RandomGenerator(0), backend: cpu }),
      );
      ln_f = this.registerModule('ln_f', new LayerNorm(48, { backend: cpu }));
    }
    const path = join(FIXTURES, 'model.safetensors');
    const strip = (n: string) => (n.startsWith('transformer.') ? n.slice('transformer.'.length) : null);
    const m = new Slice();
    // Strict: the 25 block tensors (h.0..., h.1..., wpe) are unexpected; nothing is written.
    const before = host(m.wte.weight);
    await expect(loadSafetensorsInto(path, m, { rename: strip })).rejects.toThrow(
      /unexpected 25 \(h\.0\.attn/,
    );
    expect(host(m.wte.weight)).toEqual(before);
    const result = await loadSafetensorsInto(path, m, { rename: strip, strict: false });
    expect(result.missing).toEqual([]);
    expect(result.unexpected.length).toBe(25);
    const file = await loadSafetensors(path);
    expect(host(m.wte.weight)).toEqual(file.get('transformer.wte.weight')!.data);
    expect(host(m.ln_f.bias!)).toEqual(file.get('transformer.ln_f.bias')!.data);
    m.dispose();
  });

  it('requireGrad(false) freezes a module: no gradients reach its parameters', () => {
    const gen = new RandomGenerator(8);
    const frozen = new Linear(3, 3, { generator: gen, backend: cpu }).requireGrad(false);
    const head = new Linear(3, 1, { generator: gen, backend: cpu });
    const x = tensor(gen.normalArray(6), [2, 3], 'f32', cpu);
    head.forward(frozen.forward(x)).sum().backward();
    expect(frozen.weight.grad).toBeNull();
    expect(frozen.parameters().every((p) => !p.requiresGrad)).toBe(true);
    expect(head.weight.grad).not.toBeNull();
    frozen.requireGrad();
    expect(frozen.weight.requiresGrad).toBe(true);
  });

  it('dispose returns every parameter to the pool', () => {
    const before = memory(cpu).liveBytes;
    const m = new Tiny(4);
    expect(memory(cpu).liveBytes).toBeGreaterThan(before);
    m.dispose();
    expect(memory(cpu).liveBytes).toBe(before);
  });
});
