import {
  createCpuBackend,
  crossEntropy,
  LayerNorm,
  noGrad,
  RandomGenerator,
  RMSNorm,
  tensor,
} from '@llmforge/tensor-gpu';
import { describe, expect, it } from 'vitest';
import { type ModelConfigInput, presets } from '../src/config.js';
import { ModelInputError } from '../src/errors.js';
import { countParams } from '../src/flops.js';
import { createModel } from '../src/model.js';
import { expectClose } from './helpers/fixtures.js';

const small: ModelConfigInput = {
  ...presets['tiny-gpt'],
  vocabSize: 40,
  contextLength: 16,
  nLayer: 2,
  nEmbd: 16,
  nHead: 2,
};

function stats(data: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  const mean = s / data.length;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += (data[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / data.length) };
}

describe('createModel', () => {
  it('has countParams(config) parameters for every family switch', () => {
    const configs: ModelConfigInput[] = [
      presets['tiny-gpt'],
      presets['tiny-llama'],
      { ...presets['tiny-llama'], tiedEmbeddings: true, bias: true },
      { ...small, positions: 'sinusoidal', activation: 'relu2', bias: false },
      { ...small, norm: 'rmsnorm', nKvHead: 1 },
    ];
    for (const c of configs) {
      const model = createModel(c, { backend: createCpuBackend() });
      expect(model.numParams()).toBe(countParams(c));
      expect(model.lmHead !== null).toBe(c.tiedEmbeddings === false);
      expect(model.parameter('lmHead.weight') !== undefined).toBe(c.tiedEmbeddings === false);
    }
  });

  it('initializes like GPT-2, reproducibly from the seed', () => {
    const backend = createCpuBackend();
    const config = { ...presets['tiny-gpt'], nLayer: 8 };
    const a = createModel(config, { backend, seed: 5 });
    const b = createModel(config, { backend, seed: 5 });
    const c = createModel(config, { backend, seed: 6 });
    const pa = new Map(a.namedParameters());
    const wte = pa.get('wte.weight')!.dataSync();
    expect(Array.from(b.wte.weight.dataSync())).toEqual(Array.from(wte));
    expect(Array.from(c.wte.weight.dataSync())).not.toEqual(Array.from(wte));
    const s = stats(wte);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
    expect(s.std).toBeGreaterThan(0.019);
    expect(s.std).toBeLessThan(0.021);
    // residual projections: 0.02 / √(2·nLayer) = 0.005
    const down = stats(pa.get('h.3.mlp.down.weight')!.dataSync());
    expect(down.std).toBeGreaterThan(0.0048);
    expect(down.std).toBeLessThan(0.0052);
    const q = stats(pa.get('h.3.attn.q.weight')!.dataSync());
    expect(q.std).toBeGreaterThan(0.019);
    expect(Array.from(pa.get('h.0.ln1.weight')!.dataSync()).every((x) => x === 1)).toBe(true);
    expect(Array.from(pa.get('h.0.attn.q.bias')!.dataSync()).every((x) => x === 0)).toBe(true);
  });

  it('draws exactly the documented scheme: N(0, initStd²) per matrix, in data-flow order, one stream', () => {
    // an independent statement of the scheme: walk the state dict in order, drawing host normals
    // from one RandomGenerator(seed); residual projections scaled, norms 1, biases 0
    for (const config of [
      { ...small, nLayer: 3 },
      { ...presets['tiny-llama'], vocabSize: 40, nLayer: 2, tiedEmbeddings: true, bias: true },
    ] as ModelConfigInput[]) {
      const model = createModel(config, { backend: createCpuBackend(), seed: 9 });
      const c = model.config;
      const gen = new RandomGenerator(9);
      for (const [name, p] of model.namedParameters()) {
        let want: Float32Array;
        if (/(ln1|ln2|lnf)\.weight$/.test(name)) want = new Float32Array(p.size).fill(1);
        else if (name.endsWith('.bias')) want = new Float32Array(p.size);
        else {
          const residual = /attn\.o\.weight$|mlp\.down\.weight$/.test(name);
          want = gen.normalArray(p.size, 0, residual ? c.initStd / Math.sqrt(2 * c.nLayer) : c.initStd);
        }
        expect(p.dataSync(), name).toEqual(want);
      }
    }
  });

  it('is composed of modules whose properties are the state dict', () => {
    const gpt = createModel(small, { backend: createCpuBackend() });
    expect(gpt.h.length).toBe(2);
    const block = gpt.h.at(1)!;
    expect(block.ln1).toBeInstanceOf(LayerNorm);
    expect(block.attn.q.weight.shape).toEqual([16, 16]);
    expect(block.attn.layerIndex).toBe(1);
    expect(block.mlp.gate).toBeNull();
    expect(block.mlp.up.weight.shape).toEqual([64, 16]);
    expect(gpt.wpe!.weight.shape).toEqual([16, 16]);
    expect(gpt.parameter('h.1.attn.q.weight')).toBe(block.attn.q.weight);
    expect(gpt.parameter('wte.weight')).toBe(gpt.wte.weight);
    expect(gpt.backend).toBe(gpt.wte.weight.backend);
    const llama = createModel(
      { ...presets['tiny-llama'], vocabSize: 40, nLayer: 1, nEmbd: 32, nHead: 4, nKvHead: 2, ffnHidden: 96 },
      { backend: createCpuBackend() },
    );
    const attn = llama.h.at(0)!.attn;
    expect(attn.k.weight.shape).toEqual([16, 32]); // nKvHead · headDim = 2 · 8
    expect(attn.q.bias).toBeNull();
    expect(llama.h.at(0)!.ln2).toBeInstanceOf(RMSNorm);
    expect(llama.h.at(0)!.mlp.gate!.weight.shape).toEqual([96, 32]);
    expect(llama.lmHead!.weight.shape).toEqual([40, 32]);
    expect(llama.wpe).toBeNull();
    expect([...llama.stateDict().keys()]).toEqual([
      'wte.weight',
      'h.0.ln1.weight',
      'h.0.attn.q.weight',
      'h.0.attn.k.weight',
      'h.0.attn.v.weight',
      'h.0.attn.o.weight',
      'h.0.ln2.weight',
      'h.0.mlp.gate.weight',
      'h.0.mlp.up.weight',
      'h.0.mlp.down.weight',
      'lnf.weight',
      'lmHead.weight',
    ]);
  });

  it('rejects a seed that is not an integer ≥ 0', () => {
    expect(() => createModel(small, { seed: -1 })).toThrow(/seed.*integer/);
    expect(() => createModel(small, { seed: 1.5 })).toThrow(/seed/);
  });

  it('rejects ids outside the vocabulary, too-long, ragged or empty batches', () => {
    const model = createModel(small, { backend: createCpuBackend() });
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(ModelInputError.isInstance(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a ModelInputError');
    };
    expect(err(() => model.forward([[1, 40]]))).toMatch(/\[0, 40\).*40 at \[0\]\[1\]/);
    expect(err(() => model.forward([[1, -1]]))).toMatch(/-1/);
    expect(err(() => model.forward([Array.from({ length: 17 }, () => 1)]))).toMatch(/contextLength = 16.*17/);
    expect(err(() => model.forward([[1, 2], [3]]))).toMatch(/equal length/);
    expect(err(() => model.forward([]))).toMatch(/at least one sequence/);
    expect(err(() => model.forward([[1, 2]], { labels: [[1]] }))).toMatch(/labels/);
    expect(err(() => model.forward([[1, 2]], { labels: [[1, 99]] }))).toMatch(/-100/);
  });

  it('applies dropout only in training, with a reproducible mask', () => {
    const model = createModel({ ...small, dropout: 0.2 }, { backend: createCpuBackend(), seed: 2 });
    const ids = [[1, 2, 3, 4, 5, 6]];
    const run = () => noGrad(() => Array.from(model.forward(ids).logits!.dataSync()));
    const start = { ...model.dropoutStream };
    const t1 = run();
    const t2 = run();
    expect(t2).not.toEqual(t1); // a fresh mask each call
    model.dropoutStream.offset = start.offset;
    expect(run()).toEqual(t1); // same stream state, same mask
    model.eval();
    const e1 = run();
    expect(run()).toEqual(e1);
    expect(e1).not.toEqual(t1);
  });
});

describe('forward outputs', () => {
  it('computes all, only the last or no logits, with or without hidden states', () => {
    const model = createModel(small, { backend: createCpuBackend(), seed: 3 }).eval();
    const ids = [
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ];
    const V = model.config.vocabSize;
    const all = model.forward(ids).logits!;
    const full = all.dataSync();
    const last = model.forward(ids, { logits: 'last' }).logits!;
    expect(last.shape).toEqual([2, 1, V]);
    const want = [...full.subarray(4 * V, 5 * V), ...full.subarray(9 * V, 10 * V)];
    expectClose(last.dataSync(), want, 1e-6, 1e-7, 'last-position logits');
    const both = model.forward(ids, { returnHidden: true, logits: 'all' });
    expect(both.hidden!.shape).toEqual([2, 5, model.config.nEmbd]);
    expect(Array.from(both.logits!.dataSync())).toEqual(Array.from(full));
    const none = model.forward(ids, { logits: 'none' });
    expect(none.logits).toBeUndefined();
    expect(() => model.forward(ids, { labels: ids, logits: 'last' })).toThrow(/logits: 'all'/);
  });

  it('computes logits only at listed positions: the same rows, and the same gradients as a loss on all logits', () => {
    const backend = createCpuBackend();
    const ids = [
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ];
    const at = [7, 1, 2, 9]; // (b, t) = (1, 2), (0, 1), (0, 2), (1, 4)
    const targets = [3, 8, 0, 5];
    const modelAt = createModel({ ...small, tiedEmbeddings: false }, { backend, seed: 4 });
    const modelAll = createModel({ ...small, tiedEmbeddings: false }, { backend, seed: 4 });
    const V = modelAt.config.vocabSize;
    const full = noGrad(() => modelAll.forward(ids).logits!.dataSync());
    const some = noGrad(() => modelAt.forward(ids, { logits: { at } }).logits!);
    expect(some.shape).toEqual([4, V]);
    expectClose(
      some.dataSync(),
      at.flatMap((i) => Array.from(full.subarray(i * V, (i + 1) * V))),
      1e-6,
      1e-7,
      'logits at positions',
    );
    // Σ −log p(target) at the listed positions, from the picked logits and from every logit
    const t = tensor(Int32Array.from(targets), [4], 'i32', backend);
    const everyTarget = new Int32Array(10).fill(-100);
    at.forEach((i, k) => {
      everyTarget[i] = targets[k]!;
    });
    const tAll = tensor(everyTarget, [10], 'i32', backend);
    const lossAt = modelAt.forwardBackward(ids, {
      logits: { at },
      loss: ({ logits }) => crossEntropy(logits!, t, { reduction: 'sum' }),
    });
    const lossAll = modelAll.forwardBackward(ids, {
      loss: ({ logits }) =>
        crossEntropy(logits!.reshape([10, V]), tAll, { reduction: 'sum', ignoreIndex: -100 }),
    });
    expectClose(lossAt.dataSync(), lossAll.dataSync(), 1e-6, 1e-6, 'loss');
    const gradsAll = new Map(modelAll.namedParameters().map(([n, p]) => [n, p.grad!.dataSync()]));
    for (const [name, p] of modelAt.namedParameters()) {
      expectClose(p.grad!.dataSync(), gradsAll.get(name)!, 1e-5, 1e-6, `grad ${name}`);
    }
    // and through activation checkpointing
    modelAt.zeroGrad();
    modelAt.forwardBackward(ids, {
      checkpoint: true,
      logits: { at },
      loss: ({ logits }) => crossEntropy(logits!, t, { reduction: 'sum' }),
    });
    for (const [name, p] of modelAt.namedParameters()) {
      expectClose(p.grad!.dataSync(), gradsAll.get(name)!, 1e-5, 1e-6, `checkpointed grad ${name}`);
    }
  });

  it('rejects positions outside the batch, naming the first bad one', () => {
    const model = createModel(small, { backend: createCpuBackend(), seed: 3 });
    const ids = [[1, 2, 3]];
    const err = (at: number[]) => {
      try {
        model.forward(ids, { logits: { at } });
      } catch (e) {
        return e;
      }
      return null;
    };
    for (const [at, where] of [
      [[0, 3], 'logits.at[1]'],
      [[-1], 'logits.at[0]'],
      [[1.5], 'logits.at[0]'],
    ] as const) {
      const e = err([...at]);
      expect(e).toBeInstanceOf(ModelInputError);
      expect((e as ModelInputError).where).toBe(where);
      expect((e as ModelInputError).message).toMatch(/integers in \[0, 3\)/);
    }
    expect(() => model.forward(ids, { labels: ids, logits: { at: [0] } })).toThrow(/logits: 'all'/);
  });
});

describe('gradients of the non-fixture switches vs float64 finite differences', () => {
  const cases: [string, ModelConfigInput][] = [
    [
      'sinusoidal positions, relu2, no bias, untied',
      { ...small, positions: 'sinusoidal', activation: 'relu2', bias: false, tiedEmbeddings: false },
    ],
    ['exact gelu, rope, MQA, layernorm', { ...small, activation: 'gelu', positions: 'rope', nKvHead: 1 }],
    [
      'swiglu, rmsnorm, GQA',
      { ...small, nHead: 4, nKvHead: 2, activation: 'swiglu', norm: 'rmsnorm', bias: false },
    ],
  ];
  for (const [label, config] of cases) {
    it(label, () => {
      const model = createModel(
        { ...config, initStd: 0.3 },
        { backend: createCpuBackend(), dtype: 'f64', seed: 11 },
      );
      const ids = [
        [1, 5, 9, 2, 33, 7],
        [4, 4, 8, 39, 0, 12],
      ];
      const labels = [
        [-100, 5, 9, 2, 33, 7],
        [4, 4, 8, 39, -100, 12],
      ];
      const loss = () => noGrad(() => model.forward(ids, { labels }).loss!.itemSync());
      model.forward(ids, { labels }).loss!.backward();
      let checked = 0;
      for (const [name, p] of model.namedParameters()) {
        const grad = p.grad!.dataSync();
        const data = p.dataSync() as Float64Array;
        for (const i of [0, Math.floor(p.size / 2), p.size - 1]) {
          const h = 1e-6;
          const x0 = data[i]!;
          const plus = Float64Array.from(data);
          plus[i] = x0 + h;
          p.assign(plus);
          const lp = loss();
          plus[i] = x0 - h;
          p.assign(plus);
          const lm = loss();
          plus[i] = x0;
          p.assign(plus);
          const fd = (lp - lm) / (2 * h);
          expect(Math.abs(grad[i]! - fd), `${name}[${i}]: ${grad[i]} vs ${fd}`).toBeLessThanOrEqual(
            1e-6 + 1e-5 * Math.abs(fd),
          );
          checked++;
        }
      }
      expect(checked).toBe(3 * model.namedParameters().length);
    });
  }
});
