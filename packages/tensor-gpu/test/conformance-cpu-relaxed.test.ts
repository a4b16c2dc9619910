/**
 * The conformance suite on the relaxed-SIMD kernels (fused multiply-add), two threads with every
 * kernel split. Node 20 validates relaxed SIMD only behind a V8 flag, which `relaxedSimd:
 * 'enable-flag'` sets for this (forked) test process; Node ≥ 22 has it on by default.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';
import { runConformance } from './conformance/harness.js';

runConformance('cpu, relaxed SIMD, 2 threads', async () => {
  const backend = createCpuBackend({ threads: 2, minParallelWork: 0, relaxedSimd: 'enable-flag' });
  await backend.ready();
  return backend;
});

describe('relaxed SIMD', () => {
  it("runs where the runtime validates f32x4.relaxed_madd, and 'off' keeps plain SIMD", () => {
    const relaxed = createCpuBackend({ relaxedSimd: 'enable-flag' });
    const plain = createCpuBackend({ relaxedSimd: 'off' });
    expect(relaxed.info().simd).toBe('relaxed');
    expect(plain.info().simd).toBe('plain');
    relaxed.dispose();
    plain.dispose();
  });
});
