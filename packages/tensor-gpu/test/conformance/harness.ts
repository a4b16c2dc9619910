/**
 * The conformance suite, run on every backend: each case builds its inputs on the backend under test,
 * runs one op through `runOp` (shape inference + the backend's kernel), reads the outputs back and
 * compares them to the naive float64 reference. A backend's test file calls
 * `runConformance(name, createBackend, { exclude })`; exclusions name a case (or a whole op) and the
 * reason, and are printed so they are never silent.
 *
 * ```ts
 * runConformance('webgpu', () => createNodeBackend(), { exclude: { 'op:sampleTokens': 'reason' } });
 * ```
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/index.js';
import { conformanceCases } from './cases.js';
import { runCase } from './run-case.js';

/** Options of `runConformance`. */
export interface ConformanceOptions {
  /** Case names, or `op:<name>` for every case of an op, mapped to the reason they are excluded. */
  exclude?: Record<string, string>;
  /** Multiplies every tolerance (e.g. 4 for a GPU with fast-math exp). */
  tolScale?: number;
  /** Disposes the backend after the suite (default true). */
  dispose?: boolean;
}

/**
 * Registers the conformance suite for a backend with vitest.
 *
 * @example
 * ```ts
 * runConformance('cpu', () => createCpuBackend());
 * ```
 */
export function runConformance(
  name: string,
  createBackend: () => Backend | Promise<Backend>,
  options: ConformanceOptions = {},
): void {
  const exclude = options.exclude ?? {};
  describe(`conformance: ${name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend();
    });
    afterAll(() => {
      if (options.dispose !== false) backend?.dispose();
    });
    const cases = conformanceCases();
    for (const c of cases) {
      const reason = exclude[c.name] ?? exclude[`op:${c.op}`];
      if (reason !== undefined) {
        // listed as skipped, with the reason, so an exclusion is visible in every run
        it.skip(`${c.name} — excluded: ${reason}`, () => {});
        continue;
      }
      it(c.name, async () => {
        const problems = await runCase(c, backend, options.tolScale ?? 1);
        expect(problems, problems.join('\n')).toEqual([]);
      });
    }
  });
}

export { conformanceCases, runCase };
