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
import { type Backend, runOp, type Tensor, tensor } from '../../src/index.js';
import { type ConformanceCase, conformanceCases, type HostTensor } from './cases.js';

/** Options of `runConformance`. */
export interface ConformanceOptions {
  /** Case names, or `op:<name>` for every case of an op, mapped to the reason they are excluded. */
  exclude?: Record<string, string>;
  /** Multiplies every tolerance (e.g. 4 for a GPU with fast-math exp). */
  tolScale?: number;
  /** Disposes the backend after the suite (default true). */
  dispose?: boolean;
}

function upload(h: HostTensor, backend: Backend): Tensor {
  return tensor(h.data, h.shape, h.dtype, backend);
}

/** Runs one case on `backend`; returns a list of mismatch descriptions (empty when it conforms). */
export async function runCase(c: ConformanceCase, backend: Backend, tolScale = 1): Promise<string[]> {
  const made: Tensor[] = [];
  const up = (h: HostTensor): Tensor => {
    const t = upload(h, backend);
    made.push(t);
    return t;
  };
  try {
    const inputs: Record<string, Tensor | Tensor[]> = {};
    for (const [k, v] of Object.entries(c.inputs)) inputs[k] = Array.isArray(v) ? v.map(up) : up(v);
    const inouts: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(c.inouts ?? {})) inouts[k] = up(v);
    const outputs = runOp(c.op, backend, inputs as never, inouts as never, c.attrs as never) as Record<
      string,
      Tensor
    >;
    made.push(...Object.values(outputs));
    const all = { ...outputs, ...inouts };
    const problems: string[] = [];
    const rtol = (c.rtol ?? 1e-5) * tolScale;
    const atol = (c.atol ?? 1e-6) * tolScale;
    for (const [name, exp] of Object.entries(c.expected)) {
      const t = all[name];
      if (!t) {
        problems.push(`${name}: missing output`);
        continue;
      }
      const got = await t.data();
      if (got.length !== exp.data.length) {
        problems.push(`${name}: ${got.length} elements, expected ${exp.data.length}`);
        continue;
      }
      let bad = 0;
      let first = '';
      for (let i = 0; i < got.length; i++) {
        const g = got[i]!;
        const e = exp.data[i]!;
        const ok = exp.exact
          ? g === e || (Number.isNaN(g) && Number.isNaN(e))
          : g === e || Math.abs(g - e) <= atol + rtol * Math.abs(e) || (Number.isNaN(g) && Number.isNaN(e));
        if (!ok) {
          if (bad === 0) first = `[${i}] got ${g}, expected ${e}`;
          bad++;
        }
      }
      if (bad > 0) problems.push(`${name}: ${bad}/${got.length} mismatches, first ${first}`);
    }
    return problems;
  } finally {
    for (const t of made) t.dispose();
  }
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

export { conformanceCases };
