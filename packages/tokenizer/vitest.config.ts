import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@llmforge/source'] },
  test: {
    name: 'tokenizer',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
