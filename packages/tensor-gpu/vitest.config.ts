import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@llmforge/source'] },
  test: {
    name: 'tensor-gpu',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 120_000,
    // Dawn's Node binding is a native addon: run WebGPU suites in forked processes.
    pool: 'forks',
  },
});
