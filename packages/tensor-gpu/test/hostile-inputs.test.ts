/**
 * The hostile-input sweep (`hostile-inputs.ts`, issue 10): every bad input to tensor-gpu's core API
 * gives a typed error with a hint (ShapeError, DTypeError, ArgumentError, ...), or, where the input
 * is legal after all, the right result. Never a raw TypeError/RangeError, never a silent result.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';
import { classify, hostileCases } from './hostile-inputs.js';

const cpu = createCpuBackend();
afterAll(() => cpu.dispose());
const cases = hostileCases(cpu);

describe('hostile inputs to the core API', () => {
  it('has more than 200 cases across every area', () => {
    expect(cases.length).toBeGreaterThan(200);
    expect(new Set(cases.map((c) => c.area)).size).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [`${c.area}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const { outcome, detail } = await classify(c);
    expect(outcome, detail).toMatch(/^(typed\+hint|correct)$/);
  });
});
