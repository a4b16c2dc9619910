/**
 * `scaleInPlace` (torch's `_foreach_mul_` with a tensor scalar): values, in-place semantics (the same
 * tensors, their versions bumped, so a tape that saved one refuses to differentiate the new values),
 * and typed errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  createCpuBackend,
  DTypeError,
  InplaceModificationError,
  ShapeError,
  scaleInPlace,
  tensor,
} from '../src/index.js';

const cpu = createCpuBackend();

describe('scaleInPlace', () => {
  it('multiplies every tensor of the list where it lies and bumps each version', () => {
    const a = tensor([1, -2, 3], [3], 'f32', cpu);
    const b = tensor([[4], [0.5]], [2, 1], 'f32', cpu);
    scaleInPlace([a, b], tensor([0.25], [1], 'f32', cpu));
    expect(Array.from(a.dataSync())).toEqual([0.25, -0.5, 0.75]);
    expect(Array.from(b.dataSync())).toEqual([1, 0.125]);
    expect([a.version, b.version]).toEqual([1, 1]);
    scaleInPlace([], tensor(2, [], 'f32', cpu)); // an empty list is a no-op
  });

  it('is seen by autograd: a saved tensor scaled before backward() raises', () => {
    const w = tensor([1, 2], [2], 'f32', cpu).requireGrad();
    const x = tensor([3, 4], [2], 'f32', cpu);
    const loss = w.mul(x).sum(); // saves x
    scaleInPlace([x], tensor(2, [], 'f32', cpu));
    expect(() => loss.backward()).toThrow(InplaceModificationError);
  });

  it('rejects a scale of more than one element, a dtype mismatch and mixed backends', () => {
    const a = tensor([1, 2], [2], 'f32', cpu);
    expect(() => scaleInPlace([a], tensor([1, 2], [2], 'f32', cpu))).toThrow(ShapeError);
    expect(() => scaleInPlace([a], tensor([1], [1], 'f64', cpu))).toThrow(DTypeError);
    const other = createCpuBackend({ threads: 1 });
    expect(() => scaleInPlace([a], tensor([1], [1], 'f32', other))).toThrow(BackendError);
    other.dispose();
    expect(a.version).toBe(0);
  });
});
