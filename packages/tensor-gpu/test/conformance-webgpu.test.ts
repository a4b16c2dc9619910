/**
 * The conformance suite (conformance/*.ts, the same cases the CPU backend passes) on the WebGPU
 * backend: Dawn through Vulkan where there is a GPU, else OpenGL ES on Mesa llvmpipe. Under
 * `CI=true` a missing adapter fails the run (openWebGPU throws); elsewhere the suite is reported as
 * skipped, with the reason.
 *
 * Exclusions (each listed as a skipped test, with the reason): the f16 cases, only on adapters without
 * `shader-f16` (llvmpipe): WGSL cannot store f16 there, and the backend raises DTypeError instead.
 */
import { describe } from 'vitest';
import { conformanceCases, runConformance } from './conformance/harness.js';
import { WEBGPU_TOL_SCALE, webgpuExclusions } from './conformance/run-case.js';
import { openWebGPU } from './webgpu-helpers.js';

const gpu = await openWebGPU();
const exclude = webgpuExclusions(conformanceCases(), gpu.backend?.caps.f16 ?? true);

// Without an adapter (and not under CI, where openWebGPU throws) every case shows as skipped.
describe.skipIf(gpu.skip)(gpu.title('webgpu'), () => {
  // the suite disposes the backend when it is done
  runConformance('webgpu', () => gpu.backend!, {
    exclude,
    // WGSL's exp/log/sin/cos are allowed a few ulps; the references are float64.
    tolScale: WEBGPU_TOL_SCALE,
  });
});
