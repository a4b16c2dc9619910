import { defineConfig } from 'vitest/config';

// One vitest project per package; each package's own vitest.config.ts sets its name and options.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'apps/demo/web', 'browser-tests'],
  },
});
