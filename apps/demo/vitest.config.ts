import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../vitest.shared.js';

export default defineProject({
  ...sourceResolution,
  test: {
    name: 'demo',
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    // a beforeAll that trains a tiny model takes as long as a test on a loaded machine
    hookTimeout: 300_000,
  },
});
