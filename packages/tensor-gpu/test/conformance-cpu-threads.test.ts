/**
 * The conformance suite on the CPU backend's threaded WebAssembly paths: one thread, and three
 * threads with `minParallelWork: 0` so every kernel — even on the suite's small tensors — is split
 * across the workers. Same cases and tolerances as `conformance-cpu.test.ts`, no exclusions.
 */
import { createCpuBackend } from '../src/index.js';
import { runConformance } from './conformance/harness.js';

runConformance('cpu, 1 thread', () => createCpuBackend({ threads: 1 }));

runConformance('cpu, 3 threads, every kernel split', async () => {
  const backend = createCpuBackend({ threads: 3, minParallelWork: 0 });
  await backend.ready();
  return backend;
});
