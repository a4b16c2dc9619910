import { describe, expect, it } from 'vitest';
import {
  arange,
  concat,
  createCpuBackend,
  crossEntropy,
  full,
  layerNorm,
  matmul,
  memory,
  ones,
  ShapeError,
  split,
  stack,
  takeAlongAxis,
  tensor,
  tidy,
  zeros,
} from '../src/index.js';

const cpu = createCpuBackend({ name: 'cpu-tensor-test' });

describe('creating tensors', () => {
  it('infers shape from nested arrays and dtype from typed arrays', () => {
    const t = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      undefined,
      undefined,
      cpu,
    );
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('f32');
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const i = tensor(new Int32Array([7, 8]), undefined, undefined, cpu);
    expect(i.dtype).toBe('i32');
    expect(tensor(3, undefined, undefined, cpu).shape).toEqual([]);
    expect(tensor(3, undefined, undefined, cpu).itemSync()).toBe(3);
  });
  it('rejects data that does not fit the shape', () => {
    expect(() => tensor([1, 2, 3], [2, 2], 'f32', cpu)).toThrow(ShapeError);
  });
  it('zeros, ones, full, arange', () => {
    expect(Array.from(zeros([2], 'f32', cpu).dataSync())).toEqual([0, 0]);
    expect(Array.from(ones([2], 'i32', cpu).dataSync())).toEqual([1, 1]);
    expect(Array.from(full([3], 2.5, 'f64', cpu).dataSync())).toEqual([2.5, 2.5, 2.5]);
    expect(Array.from(arange(4, undefined, 1, 'f32', cpu).dataSync())).toEqual([0, 1, 2, 3]);
    expect(Array.from(arange(1, 2, 0.25, 'f32', cpu).dataSync())).toEqual([1, 1.25, 1.5, 1.75]);
    expect(Array.from(arange(5, 0, -2, 'i32', cpu).dataSync())).toEqual([5, 3, 1]);
  });
  it('f16 tensors store halves and compute through f32', () => {
    // expected halves from Python's struct 'e' (IEEE binary16, round half to even)
    const h = tensor([1, 1e-4, 65504, 0.1], [4], 'f16', cpu);
    expect(Array.from(h.dataSync())).toEqual([1, 0.00010001659393310547, 65504, 0.0999755859375]);
    const s = h.add(h);
    expect(s.dtype).toBe('f16');
    // 65504·2 overflows half to +inf
    expect(Array.from(s.dataSync())).toEqual([2, 0.00020003318786621094, Infinity, 0.199951171875]);
  });
  it('f16 through a multi-output fused op (layerNorm: y in f16, statistics in f32)', () => {
    const x32 = tensor(
      [
        [0.5, -1.25, 2, 0.75],
        [3, 1, -2, 0],
      ],
      undefined,
      'f32',
      cpu,
    );
    const x16 = x32.cast('f16');
    const w = tensor([1, 0.5, 2, 1], [4], 'f16', cpu);
    const b = tensor([0, 0.25, 0, -1], [4], 'f16', cpu);
    const y16 = layerNorm(x16, w, b);
    expect(y16.dtype).toBe('f16');
    const y32 = layerNorm(x32, w.cast('f32'), b.cast('f32')).dataSync();
    const got = y16.dataSync();
    // one f16 rounding of the output: within 2⁻¹¹ relative (plus a little absolute near 0)
    for (let i = 0; i < 8; i++)
      expect(Math.abs(got[i]! - y32[i]!)).toBeLessThan(1e-3 * Math.abs(y32[i]!) + 1e-3);
  });
  it('reads back asynchronously, as item, and as nested arrays', async () => {
    const t = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      'f32',
      cpu,
    );
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
    expect(await t.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await t.sum().item()).toBe(10);
    expect(t.toString()).toBe('Tensor(f32, (2,2), cpu-tensor-test)');
  });
  it('moves between backends and assigns in place', async () => {
    const other = createCpuBackend({ name: 'other' });
    const t = tensor([1, 2, 3], [3], 'f32', cpu);
    const u = await t.to(other);
    expect(u.backend).toBe(other);
    expect(Array.from(u.dataSync())).toEqual([1, 2, 3]);
    t.assign(new Float32Array([4, 5, 6]));
    expect(Array.from(t.dataSync())).toEqual([4, 5, 6]);
    const v = zeros([3], 'f32', cpu);
    v.assign(t);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
  });
});

describe('shape functions', () => {
  const x = arange(24, undefined, 1, 'f32', cpu).reshape([2, 3, 4]);
  it('reshape infers −1 and shares storage', () => {
    const before = memory(cpu).liveBuffers;
    const y = x.reshape([6, -1]);
    expect(y.shape).toEqual([6, 4]);
    expect(memory(cpu).liveBuffers).toBe(before);
    y.dispose();
    expect(() => x.reshape([5, 5])).toThrow(ShapeError);
  });
  it('unsqueeze, squeeze, flatten, transpose', () => {
    expect(x.unsqueeze(1).shape).toEqual([2, 1, 3, 4]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 4, 1]);
    expect(x.unsqueeze(0).squeeze().shape).toEqual([2, 3, 4]);
    expect(x.flatten().shape).toEqual([24]);
    const t = x.transpose();
    expect(t.shape).toEqual([2, 4, 3]);
    expect(Array.from(t.dataSync()).slice(0, 4)).toEqual([0, 4, 8, 1]);
  });
  it('slice, narrow, split, concat, stack', () => {
    expect(Array.from(x.slice([1, 1], [2, 2]).dataSync())).toEqual([16, 17, 18, 19]);
    expect(Array.from(x.slice([0, 0, -1]).dataSync())).toEqual([3, 7, 11, 15, 19, 23]);
    const [a, b] = split(x, [1, 3], 2) as [ReturnType<typeof zeros>, ReturnType<typeof zeros>];
    expect(a.shape).toEqual([2, 3, 1]);
    expect(b.shape).toEqual([2, 3, 3]);
    expect(Array.from(concat([a, b], 2).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(stack([a, a], 0).shape).toEqual([2, 2, 3, 1]);
    expect(x.narrow(1, 1, 2).shape).toEqual([2, 2, 4]);
  });
  it('matmul lifts vectors like numpy', () => {
    const m = ones([3, 4], 'f32', cpu);
    const v = ones([4], 'f32', cpu);
    expect(matmul(m, v).shape).toEqual([3]);
    expect(matmul(ones([3], 'f32', cpu), m).shape).toEqual([4]);
    expect(matmul(v, v).shape).toEqual([]);
    expect(matmul(v, v).itemSync()).toBe(4);
  });
  it('takeAlongAxis picks per-row entries; on log-softmax it equals −(per-token cross entropy)', () => {
    const x = tensor(
      [
        [10, 11, 12],
        [20, 21, 22],
      ],
      undefined,
      'f32',
      cpu,
    );
    const picked = takeAlongAxis(x, tensor([[2], [0]], undefined, 'i32', cpu));
    expect(picked.shape).toEqual([2, 1]);
    expect(Array.from(picked.dataSync())).toEqual([12, 20]);
    const logits = tensor(
      [
        [1, 2, 0.5, -1],
        [0, 0, 3, 1],
        [2, -2, 1, 1],
      ],
      undefined,
      'f32',
      cpu,
    );
    const ids = tensor([3, 2, 0], [3], 'i32', cpu);
    const logp = takeAlongAxis(logits.logSoftmax(), ids.unsqueeze(-1)).squeeze(-1).dataSync();
    const nll = crossEntropy(logits, ids, { reduction: 'none' }).dataSync();
    for (let i = 0; i < 3; i++) expect(logp[i]).toBeCloseTo(-nll[i]!, 6);
  });
  it('softmax along a non-last axis equals softmax of the transpose', () => {
    const s0 = x.softmax(1).transpose(1, 2);
    const s1 = x.transpose(1, 2).softmax(-1);
    const d0 = s0.dataSync();
    const d1 = s1.dataSync();
    for (let i = 0; i < d0.length; i++) expect(d0[i]).toBeCloseTo(d1[i]!, 6);
  });
});

describe('memory: dispose and tidy', () => {
  it('tidy disposes temporaries and keeps what it returns', () => {
    const backend = createCpuBackend();
    const a = ones([8], 'f32', backend);
    const base = memory(backend);
    const out = tidy(() => {
      const t = a.mul(2);
      const u = t.add(1);
      return { u, list: [u.exp()] };
    });
    const after = memory(backend);
    expect(after.liveTensors).toBe(base.liveTensors + 2);
    expect(out.u.isDisposed).toBe(false);
    out.u.dispose();
    out.list[0]!.dispose();
    expect(memory(backend).liveBytes).toBe(base.liveBytes);
    expect(memory(backend).liveTensors).toBe(base.liveTensors);
  });
  it('nested tidy moves returned tensors to the outer scope', () => {
    const backend = createCpuBackend();
    const a = ones([4], 'f32', backend);
    let inner: ReturnType<typeof ones> | undefined;
    tidy(() => {
      inner = tidy(() => a.add(1));
      expect(inner.isDisposed).toBe(false);
      return undefined;
    });
    expect(inner!.isDisposed).toBe(true);
  });
  it('a reshape view keeps storage alive after the original is disposed', () => {
    const backend = createCpuBackend();
    const a = arange(6, undefined, 1, 'f32', backend);
    const v = a.reshape([2, 3]);
    a.dispose();
    expect(Array.from(v.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    v.dispose();
    expect(memory(backend).liveBuffers).toBe(0);
  });
  it('the pool keeps at most maxPooledBytes of freed storage', () => {
    const backend = createCpuBackend({ maxPooledBytes: 4096 });
    const ts = Array.from({ length: 8 }, () => zeros([256], 'f32', backend)); // 1 KiB each
    for (const t of ts) t.dispose();
    expect(memory(backend).pooledBytes).toBe(4096);
    expect(memory(backend).pooledBuffers).toBe(4);
    expect(memory(backend).liveBytes).toBe(0);
  });
  it('pool reuse: a repeated computation allocates nothing new', () => {
    const backend = createCpuBackend();
    const x = ones([64, 64], 'f32', backend);
    const step = () => tidy(() => x.matmul(x).relu().sum().itemSync());
    step();
    const pooled = memory(backend).pooledBuffers + memory(backend).liveBuffers;
    for (let i = 0; i < 5; i++) step();
    expect(memory(backend).pooledBuffers + memory(backend).liveBuffers).toBe(pooled);
  });
});
