import { defaultServerConditions } from 'vite';

/**
 * Vite options every package's vitest project shares: workspace packages resolve to their TypeScript
 * source through the `@llmforge/source` export condition, so tests never need a build (and never see
 * a stale `dist`).
 */
export const sourceResolution = {
  ssr: { resolve: { conditions: ['@llmforge/source', ...defaultServerConditions] } },
};
