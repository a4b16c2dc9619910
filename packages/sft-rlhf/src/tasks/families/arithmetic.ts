/**
 * Arithmetic a small model can learn to do in its head (and a checker verifies exactly):
 *
 * ```
 * addition         What is 23+45?     → 68     items add:23+45 (operands sorted: 45+23 is the same item)
 * subtraction      What is 73-45?     → 28     a ≥ b, so answers are ≥ 0
 * multiplication   What is 7*8?       → 56
 * ```
 *
 * Operand sizes are options (default two 2-digit numbers for addition and subtraction, two 1-digit
 * for multiplication). Incorrect answers are the classic slips: off by one, a dropped or extra carry
 * (±10), the digits of the answer swapped, and for multiplication one operand too many or too few.
 */
import { numberIs } from '../answers.js';
import type { TaskRandom } from '../random.js';
import type { Task, TaskFamily } from '../task.js';
import { makeTask } from './shared.js';

/** Options of the arithmetic families. */
export interface ArithmeticOptions {
  /** Digits of each operand (default [2, 2]; multiplication [1, 1]). */
  digits?: readonly [number, number];
}

type Op = '+' | '-' | '*';

/** A random number of exactly `d` digits (1 digit: 0–9). */
export function randomOfDigits(rng: TaskRandom, d: number): number {
  return d <= 1 ? rng.int(10) : rng.range(10 ** (d - 1), 10 ** d - 1);
}

const swapDigits = (n: number) =>
  Number(String(Math.abs(n)).split('').reverse().join('')) * Math.sign(n || 1);

/** The three families share this: draw operands, compute, list plausible slips. */
export function arithmeticTask(family: string, op: Op, a: number, b: number): Task {
  const value = op === '+' ? a + b : op === '-' ? a - b : a * b;
  const key = op === '-' ? `${a}-${b}` : `${Math.min(a, b)}${op}${Math.max(a, b)}`;
  const slips = [value + 1, value - 1, value + 10, value - 10, swapDigits(value)];
  if (op === '*') slips.unshift(value + a, value - b);
  return makeTask(
    {
      id: `${family}:${key}`,
      family,
      item: `${family === 'multiplication' ? 'mul' : family === 'addition' ? 'add' : 'sub'}:${key}`,
      prompt: `What is ${a}${op}${b}?`,
      reference: String(value),
      candidates: slips.filter((s) => s >= 0).map(String),
    },
    numberIs(value),
  );
}

function family(name: string, op: Op, description: string, digits: readonly [number, number]): TaskFamily {
  return {
    name,
    description: `${description} (${digits[0]}-digit ${op} ${digits[1]}-digit)`,
    draw(rng: TaskRandom): Task {
      let a = randomOfDigits(rng, digits[0]);
      let b = randomOfDigits(rng, digits[1]);
      if (op === '-' && b > a) [a, b] = [b, a];
      return arithmeticTask(name, op, a, b);
    },
  };
}

/**
 * `addition`.
 *
 * @example
 * ```ts
 * additionFamily({ digits: [2, 2] }).draw!(new TaskRandom(1, 'x'), ctx).prompt; // 'What is 57+31?'
 * ```
 */
export function additionFamily(options: ArithmeticOptions = {}): TaskFamily {
  return family('addition', '+', 'the sum of two numbers', options.digits ?? [2, 2]);
}

/**
 * `subtraction` (never negative).
 *
 * @example
 * ```ts
 * subtractionFamily().draw!(rng, ctx).reference; // e.g. '28'
 * ```
 */
export function subtractionFamily(options: ArithmeticOptions = {}): TaskFamily {
  return family('subtraction', '-', 'the difference of two numbers', options.digits ?? [2, 2]);
}

/**
 * `multiplication`.
 *
 * @example
 * ```ts
 * multiplicationFamily({ digits: [2, 1] }).draw!(rng, ctx).prompt; // e.g. 'What is 34*7?'
 * ```
 */
export function multiplicationFamily(options: ArithmeticOptions = {}): TaskFamily {
  return family('multiplication', '*', 'the product of two numbers', options.digits ?? [1, 1]);
}
