/**
 * The CPU backend's WebAssembly RoPE (f32, D/2 a multiple of 4) against the rotation written out in
 * float64: forward at many position offsets (more than the 16 cos/sin tables the kernel keeps, then
 * an early offset again), its backward (the inverse rotation of the upstream gradient), in place of
 * the reference kernel's odd D/2, and on 1 and 3 threads bit for bit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend, rope, tensor } from '../src/index.js';

/** y = rotate(x) by (offset + t)·theta^(−2i/D), or its inverse, in float64. */
function rotate(
  x: Float32Array,
  shape: number[],
  theta: number,
  offset: number,
  inverse: boolean,
): Float64Array {
  const [B, H, T, D] = shape as [number, number, number, number];
  const half = D / 2;
  const y = new Float64Array(x.length);
  for (let r = 0; r < B * H * T; r++) {
    const t = r % T;
    for (let i = 0; i < half; i++) {
      const angle = (offset + t) * theta ** ((-2 * i) / D) * (inverse ? -1 : 1);
      const a = x[r * D + i]!;
      const b = x[r * D + i + half]!;
      y[r * D + i] = a * Math.cos(angle) - b * Math.sin(angle);
      y[r * D + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
  }
  return y;
}

function data(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return (s / 4294967296) * 4 - 2;
  });
}

function expectClose(actual: Float32Array, expected: Float64Array): void {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThan(2e-6);
}

const one = createCpuBackend({ threads: 1, name: 'rope-wasm-1' });
const three = createCpuBackend({ threads: 3, minParallelWork: 0, name: 'rope-wasm-3' });
afterAll(() => {
  one.dispose();
  three.dispose();
});

describe('CPU RoPE in WebAssembly', () => {
  const shape = [2, 3, 5, 16];
  const n = 2 * 3 * 5 * 16;

  it('runs WebAssembly here (otherwise this file tests the reference kernel)', () => {
    expect(one.info().simd).not.toBe('none');
  });

  it('matches the float64 rotation at 40 offsets, then the first again (table cache evicted)', () => {
    const x = data(n, 1);
    for (const offset of [...Array.from({ length: 40 }, (_, k) => k * 3), 0]) {
      const y = rope(tensor(x, shape, 'f32', three), { theta: 10000, offset });
      expectClose(y.dataSync() as Float32Array, rotate(x, shape, 10000, offset, false));
      y.dispose();
    }
  });

  it('backward is the inverse rotation of the upstream gradient', () => {
    const x = tensor(data(n, 2), shape, 'f32', three).requireGrad();
    const g = data(n, 3);
    rope(x, { theta: 500, offset: 7 })
      .mul(tensor(g, shape, 'f32', three))
      .sum()
      .backward();
    expectClose(x.grad!.dataSync() as Float32Array, rotate(g, shape, 500, 7, true));
  });

  it('odd D/2 (the reference kernel) gives the same rotation', () => {
    const odd = [1, 2, 4, 6];
    const x = data(48, 4);
    expectClose(
      rope(tensor(x, odd, 'f32', one), { offset: 2 }).dataSync() as Float32Array,
      rotate(x, odd, 10000, 2, false),
    );
  });

  it('1 and 3 threads agree bit for bit', () => {
    const big = [4, 4, 64, 32];
    const x = data(4 * 4 * 64 * 32, 5);
    const a = rope(tensor(x, big, 'f32', one), { offset: 11 }).dataSync();
    const b = rope(tensor(x, big, 'f32', three), { offset: 11 }).dataSync();
    expect(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      ),
    ).toBe(true);
  });
});
