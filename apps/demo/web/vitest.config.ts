import { defineProject } from 'vitest/config';
import { sourceResolution } from '../../../vitest.shared.js';

// The page's tests: its engine in Node (test/), and the built page end to end in headless Chromium
// (e2e/, skipped visibly without a browser off CI, failing under CI=true).
export default defineProject({
  ...sourceResolution,
  test: {
    name: 'demo-web',
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
