import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.js';

export default defineProject({
  ...sourceResolution,
  test: {
    name: 'errors',
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 120_000,
    // a beforeAll that trains a tiny model takes as long as a test on a loaded machine
    hookTimeout: 120_000,
  },
});
