import { describe, expect, it } from 'vitest';
import {
  type Backend,
  BackendError,
  createCpuBackend,
  DeviceLostError,
  DisposedError,
  DTypeError,
  embedding,
  inferOutputs,
  ShapeError,
  TensorError,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';

const cpu = createCpuBackend({ name: 'cpu-errors-test' });

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('error messages name the op, both shapes and a hint', () => {
  it('matmul inner dimensions', () => {
    const e = catchError(() => zeros([2, 3], 'f32', cpu).matmul(zeros([4, 5], 'f32', cpu)));
    expect(ShapeError.isInstance(e)).toBe(true);
    expect((e as Error).message).toBe(
      'matmul: expected inner dimensions to match, found (2,3) @ (4,5); hint: transpose the right operand?',
    );
  });
  it('broadcasting', () => {
    const e = catchError(() => zeros([2, 3], 'f32', cpu).add(zeros([4], 'f32', cpu))) as ShapeError;
    expect(e.operation).toBe('add');
    expect(e.found).toBe('(2,3) and (4)');
    expect(e.hint).toContain('unsqueeze');
  });
  it('attention head counts', () => {
    const e = catchError(() =>
      inferOutputs(
        'attention',
        {
          q: { shape: [1, 3, 4, 8], dtype: 'f32' },
          k: { shape: [1, 2, 4, 8], dtype: 'f32' },
          v: { shape: [1, 2, 4, 8], dtype: 'f32' },
        },
        {},
        { causal: false, scale: 1 },
      ),
    ) as ShapeError;
    expect(e.message).toContain('H % Hkv == 0');
    expect(e.message).toContain('q (1,3,4,8), k (1,2,4,8)');
  });
  it('dtype mismatch and int math', () => {
    const a = zeros([2], 'f32', cpu);
    const b = zeros([2], 'i32', cpu);
    expect(() => a.add(b)).toThrow(DTypeError);
    expect(() => b.div(b)).toThrow(/float operands for div/);
    expect(() => b.exp()).toThrow(DTypeError);
  });
  it('out-of-range ids in an embedding lookup', () => {
    const table = zeros([3, 2], 'f32', cpu);
    expect(() => embedding(table, tensor([3], [1], 'i32', cpu))).toThrow(/ids in \[0, 3\)/);
  });
});

describe('disposal', () => {
  it('use after dispose names the op', () => {
    const t = zeros([2], 'f32', cpu);
    t.dispose();
    const e = catchError(() => t.exp());
    expect(DisposedError.isInstance(e)).toBe(true);
    expect((e as Error).message).toMatch(
      /^unary: expected a live tensor, found a disposed f32 tensor of shape \(2\)/,
    );
  });
  it('a tensor disposed at the end of a tidy', () => {
    let inner = zeros([1], 'f32', cpu);
    const kept = tidy(() => {
      inner = zeros([1], 'f32', cpu);
      return inner.add(1);
    });
    expect(kept.isDisposed).toBe(false);
    expect(() => inner.dataSync()).toThrow(/dataSync: expected a live tensor.*tidy/);
  });
  it('tidy refuses an async function instead of disposing tensors it still uses', async () => {
    let made: ReturnType<typeof zeros> | undefined;
    const promise = (async () => {
      made = zeros([1], 'f32', cpu);
      await Promise.resolve();
      return made;
    })();
    expect(() => tidy(() => promise)).toThrow(/tidy: expected a synchronous function/);
    await promise;
    expect(() =>
      tidy(async () => {
        made = zeros([1], 'f32', cpu);
      }),
    ).toThrow(BackendError);
    expect(made!.isDisposed).toBe(false);
  });
  it('a disposed backend', () => {
    const b = createCpuBackend();
    const t = zeros([1], 'f32', b);
    b.dispose();
    expect(() => t.add(1)).toThrow(DisposedError);
  });
});

describe('backends', () => {
  it('mixing tensors of two backends raises BackendError', () => {
    const other = createCpuBackend({ name: 'other' });
    const e = catchError(() => zeros([1], 'f32', cpu).add(zeros([1], 'f32', other))) as BackendError;
    expect(BackendError.isInstance(e)).toBe(true);
    expect(e.found).toBe('cpu-errors-test and other');
  });
  it('a dtype the backend lacks raises DTypeError with a hint', () => {
    const base = createCpuBackend();
    const noF64: Backend = Object.assign(Object.create(base) as Backend, { dtypes: ['f32', 'i32'] as const });
    const e = catchError(() => zeros([2], 'f64', noF64)) as DTypeError;
    expect(DTypeError.isInstance(e)).toBe(true);
    expect(e.hint).toContain('CPU backend only');
  });
});

describe('isInstance across package copies', () => {
  it('recognises errors by their marker and class names, not their class identity', () => {
    // what a ShapeError thrown by a second installed copy of the package looks like
    const foreign = Object.assign(new Error('x'), {
      name: 'ShapeError',
      kinds: ['ShapeError', 'TensorError', 'LlmforgeError'],
      [Symbol.for('@llmforge/errors.error')]: true,
    });
    expect(ShapeError.isInstance(foreign)).toBe(true);
    expect(TensorError.isInstance(foreign)).toBe(true);
    expect(DTypeError.isInstance(foreign)).toBe(false);
    expect(ShapeError.isInstance(new Error('plain'))).toBe(false);
    const lost = new DeviceLostError({
      operation: 'read',
      expected: 'a live device',
      found: 'lost',
      reason: 'destroyed',
    });
    expect(DeviceLostError.isInstance(lost)).toBe(true);
    expect(lost.reason).toBe('destroyed');
  });
});
