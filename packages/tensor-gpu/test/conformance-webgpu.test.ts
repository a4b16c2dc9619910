/**
 * The conformance suite (conformance/*.ts, the same cases the CPU backend passes) on the WebGPU
 * backend: Dawn through Vulkan where there is a GPU, else OpenGL ES on Mesa llvmpipe. Under
 * `CI=true` a missing adapter fails the run (openBackend throws); elsewhere the suite is reported as
 * not run, with the reason.
 *
 * Exclusions (each printed as its own test with the reason): the f16 cases, only on adapters without
 * `shader-f16` (llvmpipe): WGSL cannot store f16 there, and the backend raises DTypeError instead.
 */
import { describe, expect, it } from 'vitest';
import { conformanceCases, runConformance } from './conformance/harness.js';
import { openBackend } from './webgpu-helpers.js';

const probe = await openBackend();

if (probe.backend) {
  const backend = probe.backend;
  const exclude: Record<string, string> = {};
  if (!backend.caps.f16) {
    for (const c of conformanceCases()) {
      if (c.name.includes('f16')) exclude[c.name] = 'this adapter has no shader-f16 (f16 raises DTypeError)';
    }
  }
  runConformance('webgpu', () => backend, {
    exclude,
    // WGSL's exp/log/sin/cos are allowed a few ulps; the references are float64.
    tolScale: 4,
  });
} else {
  describe('conformance: webgpu', () => {
    it(`not run: no WebGPU adapter (${probe.reason})`, () => {
      console.warn(`conformance-webgpu not run: ${probe.reason}`);
      expect(process.env.CI).not.toBe('true');
    });
  });
}
