import { describe, expect, it } from 'vitest';
import {
  cast,
  concat,
  embedding,
  expand,
  maskedFill,
  matmul,
  narrow,
  permute,
  type ReduceKind,
  reduce,
  reshape,
  slice,
  split,
  stack,
  takeAlongAxis,
  tensor,
  topK,
  transpose,
  where,
} from '../src/index.js';
import { cpu, distinct, gradcheck } from './gradcheck-helpers.js';

describe('gradcheck: reductions', () => {
  const cases: [ReduceKind, number[] | undefined, boolean][] = [
    ['sum', undefined, false],
    ['sum', [1], false],
    ['sum', [0, 2], true],
    ['mean', [2], false],
    ['mean', undefined, true],
    ['max', [1], false],
    ['max', undefined, false],
    ['min', [0, 2], true],
    ['sumSquares', undefined, false],
    ['sumSquares', [1], false],
    ['sumSquares', [0, 2], true],
  ];
  for (const [op, axes, keepDims] of cases) {
    it(`${op} axes ${JSON.stringify(axes)} keepDims ${keepDims}`, () => {
      gradcheck([{ shape: [2, 3, 4], init: distinct }], (x) => reduce(x, op, axes, { keepDims }));
    });
  }
  it('sumSquares is Σx² with gradient 2x (closed form, f32 and f64)', async () => {
    for (const dtype of ['f32', 'f64'] as const) {
      const x = tensor([3, -4, 0.5], [3], dtype, cpu).requireGrad();
      const y = x.sumSquares();
      expect(y.shape).toEqual([]);
      expect(await y.item()).toBe(25.25);
      y.backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([6, -8, 1]);
    }
  });
  it('max splits the gradient between ties like torch.amax', () => {
    // x = [1, 3, 3]: d max / dx = [0, 0.5, 0.5]
    const x = tensor([1, 3, 3], [3], 'f64', cpu).requireGrad();
    x.max().backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([0, 0.5, 0.5]);
  });
});

describe('gradcheck: shape ops', () => {
  it('reshape', () => gradcheck([{ shape: [2, 6] }], (x) => reshape(x, [3, -1]).mul(reshape(x, [3, 4]))));
  it('expand', () => gradcheck([{ shape: [3, 1] }], (x) => expand(x, [2, 3, 4])));
  it('permute', () => gradcheck([{ shape: [2, 3, 4] }], (x) => permute(x, [2, 0, 1])));
  it('transpose', () => gradcheck([{ shape: [2, 3, 4] }], (x) => transpose(x, 0, 2)));
  it('slice', () => gradcheck([{ shape: [4, 5, 3] }], (x) => slice(x, [1, 0, 1], [3, 4, 3])));
  it('narrow + split', () =>
    gradcheck([{ shape: [2, 9] }], (x) => {
      const [a, b, c] = split(x, 3, 1) as [never, never, never];
      return narrow(x, 1, 2, 3).mul(a).add(b).sub(c);
    }));
  it('concat', () =>
    gradcheck([{ shape: [2, 3] }, { shape: [2, 5] }, { shape: [2, 1] }], (a, b, c) => concat([a, b, c], 1)));
  it('stack', () => gradcheck([{ shape: [2, 3] }, { shape: [2, 3] }], (a, b) => stack([a, b], 1)));
  it('embedding with repeated ids', () => {
    const ids = tensor(
      [
        [1, 0, 1],
        [3, 3, 2],
      ],
      undefined,
      'i32',
      cpu,
    );
    gradcheck([{ shape: [4, 5] }], (t) => embedding(t, ids));
  });
  it('takeAlongAxis (last axis, repeated indices)', () => {
    const idx = tensor([[[2, 0, 2]], [[1, 1, 3]]], undefined, 'i32', cpu);
    gradcheck([{ shape: [2, 1, 4] }], (x) => takeAlongAxis(x, idx));
  });
  it('takeAlongAxis (axis 0)', () => {
    const idx = tensor([[1, 0, 2]], undefined, 'i32', cpu);
    gradcheck([{ shape: [3, 3] }], (x) => takeAlongAxis(x, idx, 0));
  });
  it('topK values', () => gradcheck([{ shape: [3, 6], init: distinct }], (x) => topK(x, 2).values));
  it('where (broadcast cond, both branches)', () => {
    const cond = tensor([[1], [0], [1]], undefined, 'f64', cpu);
    gradcheck([{ shape: [3, 4] }, { shape: [4] }], (a, b) => where(cond, a, b));
  });
  it('maskedFill', () => {
    const mask = tensor([0, 1, 0, 1], undefined, 'f64', cpu);
    gradcheck([{ shape: [2, 4] }], (x) => maskedFill(x, mask, 0.5).mul(x));
  });
  it('cast f64 → f32 → f64 passes gradients through', () => {
    gradcheck([{ shape: [5] }], (x) => cast(cast(x, 'f32'), 'f64'), { rtol: 1e-3, atol: 1e-5, h: 1e-3 });
  });
});

describe('gradcheck: matmul', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 4], [4, 5], false, false],
    [[4, 3], [4, 5], true, false],
    [[3, 4], [5, 4], false, true],
    [[4, 3], [5, 4], true, true],
    [[2, 3, 4], [4, 2], false, false],
    [[2, 3, 4], [5, 4], false, true],
    [[2, 1, 3, 4], [3, 4, 2], false, false],
    [[4], [4, 3], false, false],
    [[2, 3, 4], [4], false, false],
  ];
  for (const [sa, sb, transA, transB] of cases) {
    it(`${JSON.stringify(sa)}${transA ? 'ᵀ' : ''} @ ${JSON.stringify(sb)}${transB ? 'ᵀ' : ''}`, () => {
      gradcheck([{ shape: sa }, { shape: sb }], (a, b) => matmul(a, b, { transA, transB }));
    });
  }
});
