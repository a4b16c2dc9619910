import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.js';

export default defineProject({
  ...sourceResolution,
  test: {
    name: 'demo',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
  },
});
