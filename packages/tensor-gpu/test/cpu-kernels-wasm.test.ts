import { describe, expect, it } from 'vitest';
import { encodeModule, I32, op, sleb, uleb } from '../src/cpu/kernels/gemm/wasm-encoder.js';

describe('wasm-encoder', () => {
  it('encodes LEB128 like the WebAssembly spec examples', () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('emits a module the engine validates and runs (loops, memory, locals)', () => {
    // sum(ptr, n): adds the n f32 values at byte address ptr into the f32 at address 0 and returns
    // the number of iterations it ran (n).
    const body = [
      ...op.i32(0),
      ...op.set(2), // i = 0
      ...op.block,
      ...op.loop,
      ...op.get(2),
      ...op.get(1),
      ...op.i32GeU,
      ...op.brIf(1), // i >= n → exit
      // mem[0] = mem[0] + mem[ptr + 4i]
      ...op.i32(0),
      ...op.i32(0),
      ...op.f32Load(),
      ...op.get(0),
      ...op.get(2),
      ...op.i32(4),
      ...op.i32Mul,
      ...op.i32Add,
      ...op.f32Load(),
      [0x92], // f32.add
      ...op.f32Store(),
      ...op.get(2),
      ...op.i32(1),
      ...op.i32Add,
      ...op.set(2),
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.get(2),
    ].flat();
    const bytes = encodeModule([{ name: 'sum', params: [I32, I32], results: [I32], locals: [I32], body }], 1);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const mem = new WebAssembly.Memory({ initial: 1 });
    const f32 = new Float32Array(mem.buffer);
    f32.set([1.5, 2, 3.25], 4); // at byte 16
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem } });
    const sum = instance.exports.sum as (ptr: number, n: number) => number;
    expect(sum(16, 3)).toBe(3);
    expect(f32[0]).toBe(6.75);
  });
});
