/**
 * The calculator tool: a hand-written arithmetic parser and evaluator (never `eval`, never
 * `Function`), so a model's call can do nothing but arithmetic.
 *
 * Grammar (recursive descent, one function per rule; `^` and `**` bind tighter than unary minus and
 * are right-associative, as in Python: `-2^2 = -4`, `2^3^2 = 512`):
 *
 * ```
 * expr   := term  (('+' | '-') term)*
 * term   := unary (('*' | '/' | '%' | '×' | '÷') unary)*
 * unary  := ('-' | '+') unary | power
 * power  := atom (('^' | '**') unary)?
 * atom   := number | '(' expr ')'
 * number := digits ['.' digits] | '.' digits
 * ```
 *
 * Worked example: `2 * (3 + 4) - 5 / 2` → term 2·(7) = 14, minus 2.5 → 11.5 → `"11.5"`.
 *
 * Limits, each a {@link ToolCallError}: at most 200 characters, nesting depth 32, a finite result,
 * no division (or `%`) by zero. Results print as integers when exact, else with 12 significant
 * digits and no trailing zeros (`0.1 + 0.2` → `"0.3"`, `1/3` → `"0.333333333333"`).
 */
import { ToolCallError } from '../errors.js';

/** Longest expression accepted, in characters. */
export const CALCULATOR_MAX_LENGTH = 200;
/** Deepest nesting of parentheses and unary signs accepted. */
export const CALCULATOR_MAX_DEPTH = 32;

const MUL_OPS = ['*', '/', '%', '×', '÷'];

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parse(): number {
    const v = this.expr();
    this.space();
    if (this.pos < this.src.length) this.fail('an operator or the end of the expression');
    return v;
  }

  private fail(expected: string): never {
    const ch = this.src[this.pos];
    throw new ToolCallError({
      operation: 'evaluateArithmetic',
      where: `column ${this.pos + 1}`,
      expected,
      found: ch === undefined ? 'the end of the expression' : JSON.stringify(ch),
      hint: 'numbers, + - * / % ^ and parentheses, e.g. 12*(3+4)',
    });
  }

  private space(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  /** Consumes one of the operators if it is next; returns it. */
  private take(...ops: string[]): string | undefined {
    this.space();
    for (const op of ops) {
      if (this.src.startsWith(op, this.pos)) {
        // `*` must not eat the first half of `**`
        if (op === '*' && this.src[this.pos + 1] === '*') continue;
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private enter(): void {
    if (++this.depth > CALCULATOR_MAX_DEPTH) {
      throw new ToolCallError({
        operation: 'evaluateArithmetic',
        where: `column ${this.pos + 1}`,
        expected: `nesting at most ${CALCULATOR_MAX_DEPTH} deep`,
        found: 'deeper nesting',
      });
    }
  }

  private expr(): number {
    let v = this.term();
    for (let op = this.take('+', '-'); op; op = this.take('+', '-')) {
      const r = this.term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }

  private term(): number {
    let v = this.unary();
    for (let op = this.take(...MUL_OPS); op; op = this.take(...MUL_OPS)) {
      const at = this.pos;
      const r = this.unary();
      if ((op === '/' || op === '÷' || op === '%') && r === 0) {
        throw new ToolCallError({
          operation: 'evaluateArithmetic',
          where: `column ${at + 1}`,
          expected: 'a non-zero divisor',
          found: '0',
          hint: 'division by zero has no value',
        });
      }
      v = op === '/' || op === '÷' ? v / r : op === '%' ? v % r : v * r;
    }
    return v;
  }

  private unary(): number {
    const op = this.take('-', '+');
    if (op) {
      this.enter();
      const v = this.unary();
      this.depth--;
      return op === '-' ? -v : v;
    }
    return this.power();
  }

  private power(): number {
    const base = this.atom();
    if (this.take('**', '^')) {
      this.enter();
      const exponent = this.unary();
      this.depth--;
      return base ** exponent;
    }
    return base;
  }

  private atom(): number {
    this.space();
    if (this.take('(')) {
      this.enter();
      const v = this.expr();
      if (!this.take(')')) this.fail("')'");
      this.depth--;
      return v;
    }
    const m = /^(\d+(\.\d*)?|\.\d+)/.exec(this.src.slice(this.pos));
    if (!m) this.fail("a number or '('");
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

/**
 * Evaluates an arithmetic expression (see the grammar above) without `eval`.
 *
 * @example
 * ```ts
 * evaluateArithmetic('2 * (3 + 4) - 5 / 2'); // 11.5
 * evaluateArithmetic('-2^2');                // -4
 * evaluateArithmetic('1/0');                 // throws ToolCallError (a non-zero divisor)
 * ```
 */
export function evaluateArithmetic(expression: string): number {
  if (
    typeof expression !== 'string' ||
    expression.trim() === '' ||
    expression.length > CALCULATOR_MAX_LENGTH
  ) {
    throw new ToolCallError({
      operation: 'evaluateArithmetic',
      expected: `a non-empty expression of at most ${CALCULATOR_MAX_LENGTH} characters`,
      found: typeof expression === 'string' ? `${expression.length} characters` : typeof expression,
    });
  }
  const v = new Parser(expression).parse();
  if (!Number.isFinite(v)) {
    throw new ToolCallError({
      operation: 'evaluateArithmetic',
      expected: 'a finite result',
      found: String(v),
      hint: 'the numbers are too large (or 0 to a negative power)',
    });
  }
  return v;
}

/**
 * A number as the calculator prints it: exact integers as they are, others with 12 significant
 * digits and no trailing zeros.
 *
 * @example
 * ```ts
 * formatNumber(10063);  // '10063'
 * formatNumber(0.1 + 0.2); // '0.3'
 * formatNumber(-0);     // '0'
 * ```
 */
export function formatNumber(x: number): string {
  if (Object.is(x, -0)) return '0';
  if (Number.isSafeInteger(x)) return String(x);
  return String(Number(x.toPrecision(12)));
}

/**
 * The calculator as a tool: the call's argument text in, the result text out.
 *
 * @example
 * ```ts
 * calculator('347*29'); // '10063'
 * ```
 */
export function calculator(args: string): string {
  return formatNumber(evaluateArithmetic(args));
}
