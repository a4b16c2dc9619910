import { describe, expect, it } from 'vitest';
import {
  CALCULATOR_MAX_DEPTH,
  calculator,
  evaluateArithmetic,
  formatNumber,
  TaskRandom,
  ToolCallError,
} from '../src/index.js';

/** A random expression over + - * / and parentheses, which JavaScript's own parser evaluates the same way. */
function randomExpression(rng: TaskRandom, depth: number): string {
  if (depth === 0 || rng.next() < 0.3) {
    const n = rng.next() < 0.8 ? String(rng.int(100)) : `${rng.int(100)}.${rng.int(100)}`;
    return rng.next() < 0.15 ? `-${n}` : n;
  }
  const op = rng.pick(['+', '-', '*', '/']);
  const sub = `${randomExpression(rng, depth - 1)} ${op} ${randomExpression(rng, depth - 1)}`;
  return rng.next() < 0.5 ? `(${sub})` : sub;
}

describe('evaluateArithmetic', () => {
  it("agrees with JavaScript's parser on 500 random expressions of + - * / ( ) and unary minus", () => {
    const rng = new TaskRandom(7, 'calculator-test');
    let checked = 0;
    for (let i = 0; i < 500; i++) {
      const expr = randomExpression(rng, 4);
      // biome-ignore lint/security/noGlobalEval: the reference implementation, in a test only
      const want = globalThis.eval(expr) as number;
      if (!Number.isFinite(want)) continue;
      expect(evaluateArithmetic(expr), expr).toBeCloseTo(want, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('follows precedence, right-associative powers that bind tighter than unary minus (as Python)', () => {
    expect(evaluateArithmetic('2 * (3 + 4) - 5 / 2')).toBe(11.5);
    expect(evaluateArithmetic('-2^2')).toBe(-4);
    expect(evaluateArithmetic('2^3^2')).toBe(512);
    expect(evaluateArithmetic('2**-1')).toBe(0.5);
    expect(evaluateArithmetic('(-2)^2')).toBe(4);
    expect(evaluateArithmetic('7 % 3')).toBe(1);
    expect(evaluateArithmetic('12 × 7 ÷ 4')).toBe(21);
    expect(evaluateArithmetic(' .5 + 1. ')).toBe(1.5);
    expect(evaluateArithmetic('--3')).toBe(3);
  });

  it('raises ToolCallError naming the column for anything else — including code', () => {
    const cases: [string, RegExp][] = [
      ['2 +* 3', /column 4: expected a number or '\(', found "\*"/],
      ['(1 + 2', /expected '\)', found the end of the expression/],
      ['1 + 2)', /column 6: expected an operator or the end of the expression, found "\)"/],
      ['process.exit(1)', /column 1: expected a number or '\('/],
      ['1; 2', /column 2: expected an operator/],
      ['0x10', /column 2: expected an operator/],
      ['1/0', /expected a non-zero divisor, found 0/],
      ['5 % (2-2)', /expected a non-zero divisor/],
      ['9^9^9', /expected a finite result, found Infinity/],
      ['', /expected a non-empty expression/],
      [`${'1+'.repeat(150)}1`, /of at most 200 characters/],
      [
        `${'('.repeat(CALCULATOR_MAX_DEPTH + 1)}1${')'.repeat(CALCULATOR_MAX_DEPTH + 1)}`,
        /expected nesting at most 32 deep/,
      ],
    ];
    for (const [expr, pattern] of cases) {
      expect(() => evaluateArithmetic(expr), expr).toThrow(ToolCallError);
      expect(() => evaluateArithmetic(expr), expr).toThrow(pattern);
    }
  });
});

describe('formatNumber and calculator', () => {
  it('prints exact integers as they are and others with 12 significant digits', () => {
    expect(formatNumber(10063)).toBe('10063');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1 / 3)).toBe('0.333333333333');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(calculator('347*29')).toBe('10063');
    expect(calculator('10/4')).toBe('2.5');
  });
});
