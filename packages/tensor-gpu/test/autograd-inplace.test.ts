/**
 * In-place writes between forward and backward (issue 10, item 6): every storage counts its in-place
 * writes (`tensor.version`, torch's `_version`), the tape records the version of each tensor it
 * saves, and backward() raises InplaceModificationError (before writing any gradient) instead of
 * differentiating the new values.
 */
import { describe, expect, it } from 'vitest';
import {
  AdamW,
  assignFrom,
  assignHost,
  createCpuBackend,
  InplaceModificationError,
  Linear,
  RandomGenerator,
  SGD,
  type Tensor,
  tensor,
} from '../src/index.js';

const cpu = createCpuBackend();
const t = (values: number[], shape: number[]) => tensor(values, shape, 'f32', cpu);

function backwardError(loss: Tensor): InplaceModificationError {
  try {
    loss.backward();
  } catch (e) {
    if (InplaceModificationError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('backward() did not raise');
}

describe('version counter', () => {
  it('counts in-place writes, shared by views; ops and fresh tensors start at 0', () => {
    const w = t([1, 2, 3, 4], [2, 2]);
    const view = w.reshape([4]);
    expect([w.version, view.version]).toEqual([0, 0]);
    w.assign(new Float32Array([5, 6, 7, 8]));
    expect([w.version, view.version]).toEqual([1, 1]);
    assignHost(view, [0, 0, 0, 0]);
    assignFrom(w, t([1, 1, 1, 1], [2, 2]));
    expect(w.version).toBe(3);
    expect(w.detach().version).toBe(3);
    expect(w.add(1).version).toBe(0);
  });

  it('optimizer steps write in place (AdamW through the fused kernel, SGD through assign)', () => {
    for (const make of [
      (p: Tensor[]) => new AdamW(p),
      (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9 }),
    ]) {
      const w = t([1, 2], [2]).requireGrad();
      w.mul(w).sum().backward();
      const opt = make([w]);
      opt.step();
      expect(w.version).toBe(1);
      opt.step();
      expect(w.version).toBe(2);
    }
  });
});

describe('backward after an in-place write', () => {
  it('w.assign(...) between forward and backward raises, naming the op, the tensor and the versions', () => {
    // the reproduction of the issue: loss = Σ x·w; without the check ∂loss/∂x came from the new w
    const x = t([1, 2, 3], [1, 3]).requireGrad();
    const w = t([1, 0, 0, 1, 1, 1], [3, 2]).requireGrad();
    const loss = x.matmul(w).sum();
    w.assign(new Float32Array([9, 9, 9, 9, 9, 9]));
    const e = backwardError(loss);
    expect(e.op).toBe('matmul');
    expect(e.savedIndex).toBe(1); // matmul saved (x, w): w changed
    expect([e.expectedVersion, e.foundVersion]).toEqual([0, 1]);
    expect(e.message).toMatch(
      /^backward: expected saved tensor 1 of matmul \(f32 \(3,2\)\) at version 0, as the forward pass left it, found version 1: one of the variables needed for gradient computation was modified by an in-place operation .*; hint: /,
    );
    // nothing was written: the error comes before any gradient
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('an optimizer step between forward and backward raises (the usual bug: step before backward)', () => {
    const gen = new RandomGenerator(0);
    const fc = new Linear(3, 2, { generator: gen, backend: cpu });
    const opt = new AdamW(fc.parameters());
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    fc.forward(x).square().sum().backward();
    opt.step();
    const loss = fc.forward(x).square().sum();
    opt.step(); // the old gradients are still there: the weights change under the new graph
    const e = backwardError(loss);
    expect(e.op).toBe('linear'); // Linear records one fused `linear` node
    expect(e.foundVersion).toBe(e.expectedVersion + 1);
  });

  it('loadStateDict between forward and backward raises', () => {
    const fc = new Linear(2, 2, { generator: new RandomGenerator(1), backend: cpu });
    const loss = fc.forward(t([1, 2], [1, 2])).sum();
    fc.loadStateDict(
      new Map(
        [...fc.stateDict()].map(([k, v]) => [k, { shape: [...v.shape], data: new Float32Array(v.size) }]),
      ),
    );
    expect(backwardError(loss).op).toBe('linear');
  });

  it('a saved output written in place is caught too (softmax saves its output)', () => {
    const x = t([1, 2, 3], [3]).requireGrad();
    const y = x.softmax();
    const loss = y.slice([0], [1]).sum(); // slice and sum save nothing: only softmax holds y
    y.assign([0, 0, 1]);
    const e = backwardError(loss);
    expect([e.op, e.savedIndex]).toEqual(['softmax', 0]);
  });

  it('writes after backward, or into tensors the graph did not save, are fine', () => {
    const x = t([1, 2], [2]).requireGrad();
    const w = t([3, 4], [2]).requireGrad();
    const other = t([0, 0], [2]);
    const loss = x.add(w).sum(); // add saves nothing: its gradient does not depend on the values
    w.assign([7, 7]);
    other.assign([1, 1]);
    loss.backward();
    expect(Array.from(x.grad!.dataSync())).toEqual([1, 1]);
    const loss2 = x.mul(w).sum();
    loss2.backward();
    w.assign([0, 0]); // after backward: allowed
    expect(Array.from(x.grad!.dataSync())).toEqual([8, 8]);
  });

  it('a retained graph is checked again on its second backward', () => {
    const x = t([1, 2], [2]).requireGrad();
    const w = t([3, 4], [2]);
    const loss = x.mul(w).sum();
    loss.backward({ retainGraph: true });
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 4]);
    w.assign([5, 5]);
    expect(backwardError(loss).op).toBe('mul');
    expect(Array.from(x.grad!.dataSync())).toEqual([3, 4]); // unchanged
  });
});
