import { describe, expect, it } from 'vitest';
import {
  createCpuBackend,
  dropout,
  philox4x32,
  philoxNormal,
  philoxUniform,
  rand,
  randn,
  sampleTokens,
  tensor,
} from '../src/index.js';

const cpu = createCpuBackend({ name: 'cpu-random-test' });
const hex = (a: number[]) => a.map((x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  it('matches the Random123 known-answer vectors', () => {
    // Random123 tests/kat_vectors: philox4x32 10 rounds
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(
      hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])),
    ).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(
      hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });
  it('uniforms have the right moments', () => {
    let s = 0;
    let s2 = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const u = philoxUniform(7, 0, i);
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
  });
  it('normals have mean 0 and variance 1', () => {
    let s = 0;
    let s2 = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const z = philoxNormal(11, 3, i);
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(s2 / n).toBeCloseTo(1, 1);
  });
});

describe('random tensors from a generator state', () => {
  it('rand and randn follow the counter layout and advance the offset', () => {
    const gen = { seed: 5, offset: 10 };
    const u = rand([3, 3], gen, 'f32', cpu);
    expect(gen.offset).toBe(10 + 3); // ⌈9/4⌉
    expect(u.dataSync()[6]).toBeCloseTo(philoxUniform(5, 10, 6), 6);
    const z = randn([5], gen, 'f64', cpu, 2, 3);
    expect(gen.offset).toBe(13 + 3); // ⌈5/2⌉
    expect(z.dataSync()[4]).toBeCloseTo(2 + 3 * philoxNormal(5, 13, 4), 12);
  });
  it('dropout drops about p of the elements and rescales the rest', () => {
    const gen = { seed: 1, offset: 0 };
    const x = tensor(new Float32Array(10000).fill(1), [10000], 'f32', cpu);
    const y = dropout(x, 0.25, gen).dataSync();
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros / 10000).toBeCloseTo(0.25, 1);
    expect(y.find((v) => v !== 0)).toBeCloseTo(1 / 0.75, 6);
    expect(gen.offset).toBe(2500);
  });
  it('sampleTokens: greedy at temperature 0; sampling frequencies follow softmax', () => {
    const logits = tensor([[0, Math.log(3), 0, -Infinity]], undefined, 'f32', cpu);
    const gen = { seed: 9, offset: 0 };
    expect(sampleTokens(logits, gen, { temperature: 0 }).dataSync()[0]).toBe(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[sampleTokens(logits, gen).dataSync()[0]!]!++;
    // p = [0.2, 0.6, 0.2, 0]
    expect(counts[1]! / 3000).toBeCloseTo(0.6, 1);
    expect(counts[3]).toBe(0);
    // top-k 1 is greedy whatever the draw
    expect(sampleTokens(logits, gen, { topK: 1 }).dataSync()[0]).toBe(1);
  });
});
