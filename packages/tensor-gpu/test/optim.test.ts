import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  assignFrom,
  BaseOptimizer,
  clipGradNorm,
  createCpuBackend,
  createOptimizer,
  decayGroups,
  decodeSafetensors,
  encodeSafetensors,
  type Optimizer,
  OptimizerConfigError,
  type OptimizerGroup,
  type OptimizerState,
  RandomGenerator,
  SGD,
  StateDictError,
  type Tensor,
  tensor,
  tidy,
} from '../src/index.js';

const cpu = createCpuBackend();

/** Deterministic parameter values and per-step gradients. */
function problem(seed: number, shapes: number[][], steps: number) {
  const g = new RandomGenerator(seed);
  const init = shapes.map((s) => g.normalArray(s.reduce((a, b) => a * b, 1)));
  const grads = Array.from({ length: steps }, () =>
    shapes.map((s) => g.normalArray(s.reduce((a, b) => a * b, 1))),
  );
  return { init, grads };
}

const SHAPES = [[3, 4], [4], [2, 2, 3]];

function ourParams(init: Float32Array[]): Tensor[] {
  return init.map((d, i) => tensor(d, SHAPES[i], 'f32', cpu).requireGrad());
}

function setGrads(params: Tensor[], grads: Float32Array[]): void {
  for (const [i, p] of params.entries()) p.grad = tensor(grads[i]!, SHAPES[i], 'f32', cpu);
}

/** Runs a tfjs optimizer over the same problem and returns the final parameter values. */
function tfjsRun(makeOpt: () => tf.Optimizer, init: Float32Array[], grads: Float32Array[][]): Float32Array[] {
  const vars = init.map((d, i) => tf.variable(tf.tensor(d, SHAPES[i]), true, `p${i}_${Math.random()}`));
  const opt = makeOpt();
  for (const step of grads) {
    const named: tf.NamedTensorMap = {};
    for (const [i, v] of vars.entries()) named[v.name] = tf.tensor(step[i]!, SHAPES[i]);
    opt.applyGradients(named);
    for (const t of Object.values(named)) t.dispose();
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  for (const v of vars) v.dispose();
  opt.dispose();
  return out;
}

function expectClose(ours: ArrayLike<number>, theirs: ArrayLike<number>, rtol: number, atol: number): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i++) {
    const err = Math.abs(ours[i]! - theirs[i]!);
    if (err > atol + rtol * Math.abs(theirs[i]!))
      expect.fail(`[${i}] ours ${ours[i]} vs ${theirs[i]} (error ${err})`);
  }
}

describe('SGD (torch.optim.SGD semantics) against tfjs', () => {
  it('plain SGD matches tf.train.sgd over 5 steps', () => {
    const { init, grads } = problem(1, SHAPES, 5);
    const params = ourParams(init);
    const opt = new SGD(params, { lr: 0.1 });
    for (const g of grads) {
      setGrads(params, g);
      opt.step();
    }
    const ref = tfjsRun(() => tf.train.sgd(0.1), init, grads);
    for (const [i, p] of params.entries()) expectClose(p.dataSync(), ref[i]!, 1e-6, 1e-7);
  });

  for (const nesterov of [false, true]) {
    it(`momentum 0.9${nesterov ? ' + nesterov' : ''} matches tf.train.momentum over 6 steps`, () => {
      const { init, grads } = problem(2, SHAPES, 6);
      const params = ourParams(init);
      const opt = new SGD(params, { lr: 0.05, momentum: 0.9, nesterov });
      for (const g of grads) {
        setGrads(params, g);
        opt.step();
      }
      const ref = tfjsRun(() => tf.train.momentum(0.05, 0.9, nesterov), init, grads);
      for (const [i, p] of params.entries()) expectClose(p.dataSync(), ref[i]!, 1e-5, 1e-6);
    });
  }

  it('weight decay and dampening follow the torch update rule', () => {
    const p = tensor([1, -2], [2], 'f32', cpu).requireGrad();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5, dampening: 0.2, weightDecay: 0.01 });
    // step 1: d = g + 0.01 p = [0.51, 0.48]; b = d; p -= 0.1 b
    p.grad = tensor([0.5, 0.5], [2], 'f32', cpu);
    opt.step();
    const p1 = [1 - 0.1 * 0.51, -2 - 0.1 * 0.48];
    expectClose(p.dataSync(), p1, 1e-6, 1e-7);
    // step 2: d = g + 0.01 p1; b = 0.5 b + 0.8 d; p -= 0.1 b
    p.grad = tensor([1, 0], [2], 'f32', cpu);
    opt.step();
    const d = [1 + 0.01 * p1[0]!, 0 + 0.01 * p1[1]!];
    const b = [0.5 * 0.51 + 0.8 * d[0]!, 0.5 * 0.48 + 0.8 * d[1]!];
    expectClose(p.dataSync(), [p1[0]! - 0.1 * b[0]!, p1[1]! - 0.1 * b[1]!], 1e-6, 1e-7);
  });
});

describe('AdamW', () => {
  it('without weight decay matches tf.train.adam over 8 steps (eps placement differs by ≤ 1e-8)', () => {
    const { init, grads } = problem(3, SHAPES, 8);
    const params = ourParams(init);
    const opt = new AdamW(params, { lr: 0.01, betas: [0.9, 0.99], eps: 1e-8, weightDecay: 0 });
    for (const g of grads) {
      setGrads(params, g);
      opt.step();
    }
    const ref = tfjsRun(() => tf.train.adam(0.01, 0.9, 0.99, 1e-8), init, grads);
    for (const [i, p] of params.entries()) expectClose(p.dataSync(), ref[i]!, 1e-5, 1e-6);
    expect(opt.stepCount(params[0]!)).toBe(8);
  });

  it('decay is decoupled: with zero gradients a parameter shrinks by (1 − lr·wd) per step', () => {
    const p = tensor([2, -4], [2], 'f32', cpu).requireGrad();
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.5 });
    for (let i = 0; i < 3; i++) {
      p.grad = tensor([0, 0], [2], 'f32', cpu);
      opt.step();
    }
    expectClose(p.dataSync(), [2 * 0.95 ** 3, -4 * 0.95 ** 3], 1e-6, 0);
  });

  it('per-group settings: decayGroups decays matrices only; parameters without grad are skipped', () => {
    const w = tensor([[1, 1]], [1, 2], 'f32', cpu).requireGrad();
    const b = tensor([1], [1], 'f32', cpu).requireGrad();
    const idle = tensor([5], [1], 'f32', cpu).requireGrad();
    const groups = decayGroups(
      [
        ['w', w],
        ['b', b],
        ['idle', idle],
      ],
      0.5,
    );
    expect(groups.map((g) => [g.name, g.params.length, g.weightDecay])).toEqual([
      ['decay', 1, 0.5],
      ['no_decay', 2, 0],
    ]);
    const opt = new AdamW(groups, { lr: 0.1 });
    for (const p of [w, b]) p.grad = tensor(new Float32Array(p.size), p.shape, 'f32', cpu);
    opt.step();
    expectClose(w.dataSync(), [0.95, 0.95], 1e-6, 0);
    expect([...b.dataSync()]).toEqual([1]);
    expect([...idle.dataSync()]).toEqual([5]);
    expect(opt.stepCount(idle)).toBe(0);
    opt.groups[1]!.lr = 0;
    opt.setLr(0.2);
    expect(opt.groups.map((g) => g.lr)).toEqual([0.2, 0.2]);
  });

  it('rejects bad hyper-parameters and duplicated parameters', () => {
    const p = tensor([1], [1], 'f32', cpu).requireGrad();
    for (const fn of [
      () => new AdamW([p], { betas: [1, 0.9] }),
      () => new AdamW([p], { lr: -1 }),
      () => new AdamW([{ params: [p] }, { params: [p] }]),
      () => new SGD([p], { nesterov: true }),
      () => new AdamW([tensor([1], [1], 'f32', cpu)]),
    ]) {
      try {
        fn();
        expect.fail('no error');
      } catch (e) {
        expect(OptimizerConfigError.isInstance(e)).toBe(true);
      }
    }
  });
});

describe('createOptimizer (JSON config)', () => {
  it('builds AdamW or SGD with decay on matrices only, or on everything with decayVectors', () => {
    const w = tensor([[1, 1]], [1, 2], 'f32', cpu).requireGrad();
    const b = tensor([1], [1], 'f32', cpu).requireGrad();
    const named: [string, Tensor][] = [
      ['w', w],
      ['b', b],
    ];
    const adam = createOptimizer(
      named,
      JSON.parse('{"type":"adamw","lr":0.1,"betas":[0.9,0.95],"weightDecay":0.5}'),
    );
    expect(adam).toBeInstanceOf(AdamW);
    expect(
      (adam as AdamW).groups.map((g) => [g.name, g.params.length, g.weightDecay, g.lr, g.betas]),
    ).toEqual([
      ['decay', 1, 0.5, 0.1, [0.9, 0.95]],
      ['no_decay', 1, 0, 0.1, [0.9, 0.95]],
    ]);
    const sgd = createOptimizer(named, {
      type: 'sgd',
      lr: 0.2,
      momentum: 0.9,
      weightDecay: 0.1,
      decayVectors: true,
    });
    expect(sgd).toBeInstanceOf(SGD);
    expect((sgd as SGD).groups.map((g) => [g.params.length, g.weightDecay, g.momentum])).toEqual([
      [2, 0.1, 0.9],
    ]);
    expect(() => createOptimizer(named, { type: 'lion' } as never)).toThrow(
      /createOptimizer: expected type adamw or sgd/,
    );
  });
});

describe('exact resume through state() / loadState()', () => {
  async function resumeCase<O extends Optimizer>(make: (ps: Tensor[]) => O) {
    const { init, grads } = problem(4, SHAPES, 10);
    // Uninterrupted run.
    const a = ourParams(init);
    const optA = make(a);
    for (const g of grads) {
      setGrads(a, g);
      optA.step();
    }
    // Interrupted after 4 steps: save params + optimizer state through safetensors bytes, rebuild, continue.
    const b = ourParams(init);
    const optB = make(b);
    for (const g of grads.slice(0, 4)) {
      setGrads(b, g);
      optB.step();
    }
    const saved = await optB.state();
    const bytes = encodeSafetensors(saved.tensors, { optimizer: JSON.stringify(saved.meta) });
    const weights = b.map((p) => Float32Array.from(p.dataSync()));
    optB.dispose();
    const file = decodeSafetensors(bytes);
    const restored: OptimizerState = {
      meta: JSON.parse(file.metadata.optimizer!),
      tensors: new Map(
        [...file].map(([k, t]) => [
          k,
          { dtype: 'F32' as const, shape: t.shape, data: t.data as Float32Array },
        ]),
      ),
    };
    const c = ourParams(weights);
    const optC = make(c);
    optC.loadState(restored);
    for (const g of grads.slice(4)) {
      setGrads(c, g);
      optC.step();
    }
    for (const [i, p] of a.entries()) expect(c[i]!.dataSync()).toEqual(p.dataSync());
    return { optC, restored };
  }

  it('AdamW: 4 steps + save + restore + 6 steps is bit-identical to 10 steps', async () => {
    const { optC, restored } = await resumeCase(
      (ps) =>
        new AdamW([
          { params: ps.slice(0, 2), lr: 0.01 },
          { params: ps.slice(2), lr: 0.02, weightDecay: 0 },
        ]),
    );
    expect(restored.meta.steps).toEqual([4, 4, 4]);
    expect(optC.groups.map((g) => g.lr)).toEqual([0.01, 0.02]);
  });

  it('SGD with nesterov momentum: bit-identical resume', async () => {
    await resumeCase((ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }));
  });

  it('a BaseOptimizer subclass (Adagrad, torch semantics) gets groups, steps, state and exact resume', async () => {
    // torch.optim.Adagrad with lr_decay 0, weight_decay 0: s ← s + g²; p ← p − lr · g / (√s + eps)
    interface AdagradGroup extends OptimizerGroup {
      eps: number;
    }
    class Adagrad extends BaseOptimizer<AdagradGroup> {
      constructor(params: Tensor[], lr: number) {
        super('Adagrad', 'adagrad', params, (g) => ({ params: [...g.params], lr: g.lr ?? lr, eps: 1e-10 }));
      }
      protected checkGroup(g: AdagradGroup): void {
        if (!(g.lr >= 0)) throw new Error(`bad lr ${g.lr}`);
      }
      protected stateSlots(): readonly string[] {
        return ['sum'];
      }
      protected update(p: Tensor, grad: Tensor, g: AdagradGroup): void {
        tidy(() => {
          const sum = this.setSlot(p, 'sum', this.zerosSlot(p, 'sum').add(grad.square()));
          assignFrom(p, p.sub(grad.div(sum.sqrt().add(g.eps)).mul(g.lr)), 'Adagrad.step');
        });
      }
    }
    // closed form on the host, in float64
    const { init, grads } = problem(5, SHAPES, 3);
    const params = ourParams(init);
    const opt = new Adagrad(params, 0.1);
    const want = init.map((d) => Float64Array.from(d));
    const sums = init.map((d) => new Float64Array(d.length));
    for (const step of grads) {
      setGrads(params, step);
      opt.step();
      for (const [i, g] of step.entries()) {
        for (const [j, v] of g.entries()) {
          sums[i]![j]! += v * v;
          want[i]![j]! -= (0.1 * v) / (Math.sqrt(sums[i]![j]!) + 1e-10);
        }
      }
    }
    params.forEach((p, i) => {
      expect(opt.stepCount(p)).toBe(3);
      const got = p.dataSync();
      for (const [j, w] of want[i]!.entries()) expect(Math.abs(got[j]! - w)).toBeLessThan(1e-5);
    });
    const saved = await opt.state();
    expect(saved.meta.type).toBe('adagrad');
    expect(saved.meta.groups[0]!.hyper).toEqual({ lr: 0.1, eps: 1e-10 });
    expect([...saved.tensors.keys()]).toEqual(['sum.0', 'sum.1', 'sum.2']);
    await resumeCase((ps) => new Adagrad(ps, 0.05));
  });

  it('loadState checks format, type, groups and shapes', async () => {
    const p = tensor([1, 2], [2], 'f32', cpu).requireGrad();
    const opt = new AdamW([p]);
    p.grad = tensor([1, 1], [2], 'f32', cpu);
    opt.step();
    const state = await opt.state();
    const wrongShape = new AdamW([tensor([1, 2, 3], [3], 'f32', cpu).requireGrad()]);
    const cases: [() => void, RegExp][] = [
      [() => new SGD([p]).loadState(state), /expected a sgd state, found a adamw state/],
      [
        () => new AdamW([p, tensor([1], [1], 'f32', cpu).requireGrad()]).loadState(state),
        /groups of sizes \[2\]/,
      ],
      [() => wrongShape.loadState(state), /m\.0 of shape \(3\)/],
      [() => opt.loadState({ ...state, meta: { ...state.meta, version: 99 } }), /version 1/],
    ];
    for (const [fn, re] of cases) {
      try {
        fn();
        expect.fail(`no error for ${re}`);
      } catch (e) {
        expect(StateDictError.isInstance(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    }
  });
});

describe('clipGradNorm (torch.nn.utils.clip_grad_norm_)', () => {
  it('returns the global norm and scales every gradient by maxNorm / (norm + 1e-6)', async () => {
    const a = tensor([0], [1], 'f32', cpu).requireGrad();
    const b = tensor([0, 0], [2], 'f32', cpu).requireGrad();
    const none = tensor([0], [1], 'f32', cpu).requireGrad();
    a.grad = tensor([3], [1], 'f32', cpu);
    b.grad = tensor([0, 4], [2], 'f32', cpu);
    const norm = clipGradNorm([a, b, none], 1);
    expect(await norm.item()).toBeCloseTo(5, 6);
    const coef = 1 / (5 + 1e-6);
    expectClose(a.grad!.dataSync(), [3 * coef], 1e-6, 0);
    expectClose(b.grad!.dataSync(), [0, 4 * coef], 1e-6, 0);
    expect(none.grad).toBeNull();
    norm.dispose();
    // Below the threshold nothing changes (coefficient clamped to 1).
    const n2 = clipGradNorm([a, b], 10);
    expectClose([await n2.item()], [1], 1e-5, 0);
    expectClose(a.grad!.dataSync(), [3 * coef], 1e-6, 0);
    n2.dispose();
    const empty = clipGradNorm([none], 1);
    expect(await empty.item()).toBe(0);
    empty.dispose();
  });

  // Gradients ((i·7 + k·13) mod 23 − 11) / 7 for parameter k of shapes (4,3), (7), (2,3,5), (1);
  // expected values from torch 2.13: torch.nn.utils.clip_grad_norm_(params, 2.0).
  const torchShapes = [[4, 3], [7], [2, 3, 5], [1]];
  const torchGrads = torchShapes.map((s, k) =>
    Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => (((i * 7 + k * 13) % 23) - 11) / 7),
  );
  const torchNorm = 6.714285373687744;
  const torchClipped = [
    [
      -0.46808505058288574, -0.1702127605676651, 0.12765955924987793, 0.42553186416625977,
      -0.25531911849975586, 0.042553190141916275, 0.3404255211353302, -0.3404255211353302,
      -0.042553190141916275, 0.25531911849975586, -0.42553186416625977, -0.12765955924987793,
    ],
    [
      0.08510638028383255, 0.3829786777496338, -0.29787230491638184, 0.0, 0.29787230491638184,
      -0.3829786777496338, -0.08510638028383255,
    ],
    [
      -0.3404255211353302, -0.042553190141916275, 0.25531911849975586, -0.42553186416625977,
      -0.12765955924987793, 0.1702127605676651, 0.46808505058288574, -0.21276593208312988,
      0.08510638028383255, 0.3829786777496338, -0.29787230491638184, 0.0, 0.29787230491638184,
      -0.3829786777496338, -0.08510638028383255, 0.21276593208312988, -0.46808505058288574,
      -0.1702127605676651, 0.12765955924987793, 0.42553186416625977, -0.25531911849975586,
      0.042553190141916275, 0.3404255211353302, -0.3404255211353302, -0.042553190141916275,
      0.25531911849975586, -0.42553186416625977, -0.12765955924987793, 0.1702127605676651,
      0.46808505058288574,
    ],
    [0.21276593208312988],
  ];

  for (const dtype of ['f32', 'f64'] as const) {
    it(`matches torch.nn.utils.clip_grad_norm_ on four ${dtype} gradients, scaling them in place`, async () => {
      const params = torchShapes.map((s) =>
        tensor(new Array(s.reduce((a, b) => a * b, 1)).fill(0), s, dtype, cpu),
      );
      for (const p of params) p.requireGrad();
      params.forEach((p, k) => {
        p.grad = tensor(torchGrads[k]!, torchShapes[k]!, dtype, cpu);
      });
      const before = params.map((p) => p.grad!);
      const versions = before.map((g) => g.version);
      const norm = clipGradNorm(params, 2);
      expect(norm.dtype).toBe('f32');
      expect(norm.shape).toEqual([]);
      expectClose([await norm.item()], [torchNorm], 1e-6, 0);
      params.forEach((p, k) => {
        // the same gradient tensors, multiplied where they lie (torch's in-place `mul_`)
        expect(p.grad).toBe(before[k]);
        expect(p.grad!.version).toBe(versions[k]! + 1);
        expectClose(p.grad!.dataSync(), torchClipped[k]!, 1e-6, 1e-7);
      });
      norm.dispose();
    });
  }

  it('widens f16 gradients before squaring (their squares would overflow half precision)', async () => {
    const p = tensor([0, 0], [2], 'f16', cpu).requireGrad();
    p.grad = tensor([300, 400], [2], 'f16', cpu); // Σg² = 250000 > 65504, the largest half
    const norm = clipGradNorm([p], 1);
    expect(await norm.item()).toBeCloseTo(500, 3);
    expectClose(p.grad.dataSync(), [0.6, 0.8], 1e-3, 0);
    norm.dispose();
  });
});
