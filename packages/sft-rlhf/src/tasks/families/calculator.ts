/**
 * `calculator`: arithmetic too big to do in one's head, answered by calling the calculator tool.
 *
 * ```
 * user        What is 347*29?
 * assistant   <|call|>calculator(347*29)<|/call|>
 * tool        10063
 * assistant   10063
 * ```
 *
 * Items `calc:<expression>` (commutative operands sorted). The reference teaches the call, reads
 * the tool's result and repeats it; the incorrect answers answer directly and miss (off by one, by
 * ten, by a hundred) — what a model that does not call the tool tends to do — and the wrong calls
 * (`incorrectCalls`) copy an operand wrong (off by one) or swap a difference's operands — what a
 * model that calls the tool but cannot copy does. The reward checks the final answer only, so it is
 * earned by calling the tool with the prompt's numbers (or by being right anyway).
 */
import { calculator } from '../../tools/calculator.js';
import { numberIs } from '../answers.js';
import type { TaskRandom } from '../random.js';
import type { Task, TaskFamily } from '../task.js';
import { randomOfDigits } from './arithmetic.js';
import { makeTask } from './shared.js';

/** Options of {@link calculatorFamily}. */
export interface CalculatorOptions {
  /** Operations (default ['+', '-', '*']). */
  ops?: readonly ('+' | '-' | '*')[];
  /** Digits of the two operands (default [3, 2]). */
  digits?: readonly [number, number];
}

/**
 * `calculator`.
 *
 * @example
 * ```ts
 * const t = calculatorFamily().draw!(rng, ctx);
 * t.toolCall;   // { name: 'calculator', arguments: '347*29' }
 * t.toolResult; // '10063'
 * ```
 */
export function calculatorFamily(options: CalculatorOptions = {}): TaskFamily {
  const ops = options.ops ?? ['+', '-', '*'];
  const digits = options.digits ?? [3, 2];
  return {
    name: 'calculator',
    description: `a ${digits[0]}-digit ${ops.join('/')} ${digits[1]}-digit calculation, through the calculator tool`,
    draw(rng: TaskRandom): Task {
      const op = rng.pick(ops);
      const a = randomOfDigits(rng, digits[0]);
      const b = randomOfDigits(rng, digits[1]);
      const value = op === '+' ? a + b : op === '-' ? a - b : a * b;
      const expression = `${a}${op}${b}`;
      const key = op === '-' ? expression : `${Math.min(a, b)}${op}${Math.max(a, b)}`;
      const wrong = [[a + 1, b], [a, b + 1], op === '-' ? [b, a] : [a - 1, b]].map(
        ([x, y]) => `${x}${op}${y}`,
      );
      return makeTask(
        {
          id: `calculator:${expression}`,
          family: 'calculator',
          item: `calc:${key}`,
          prompt: `What is ${expression}?`,
          reference: String(value),
          toolCall: { name: 'calculator', arguments: expression },
          toolResult: String(value),
          candidates: [value + 1, value - 1, value + 10, value - 100].map(String),
          incorrectCalls: wrong.map((e) => ({
            toolCall: { name: 'calculator', arguments: e },
            toolResult: calculator(e),
          })),
        },
        numberIs(value),
      );
    },
  };
}
