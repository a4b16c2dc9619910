/**
 * The conformance suite on the CPU backend: every kernel against the naive float64 references of
 * `conformance/reference.ts` (independent code, so this is not the CPU checking itself). No exclusions.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend, OP_NAMES } from '../src/index.js';
import { conformanceCases, runCase, runConformance } from './conformance/harness.js';

runConformance('cpu', () => createCpuBackend());

describe('conformance coverage', () => {
  it('has at least one case for every op of the contract', () => {
    const covered = new Set(conformanceCases().map((c) => c.op));
    expect(OP_NAMES.filter((op) => !covered.has(op))).toEqual([]);
  });
});

describe('conformance harness', () => {
  it('reports a mismatch when an expected value is off by more than the tolerance', async () => {
    const backend = createCpuBackend();
    const c = conformanceCases().find((k) => k.op === 'matmul')!;
    const [name, exp] = Object.entries(c.expected)[0]!;
    const wrong = Array.from(exp.data);
    wrong[3] = wrong[3]! + 1e-2;
    const problems = await runCase({ ...c, expected: { [name]: { data: wrong } } }, backend);
    expect(problems.length).toBe(1);
    expect(problems[0]).toContain('[3]');
    backend.dispose();
  });
});
