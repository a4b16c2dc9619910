/**
 * The one error family of every @llmforge package.
 *
 * Every error a package throws on purpose is an {@link LlmforgeError} (through its package's base:
 * `TensorError`, `TokenizerError`, `TransformerError`, `SamplerError`, ...), and its message has one
 * shape: the operation, where (file, field, line, option), what was expected, what was found, and a
 * hint:
 *
 *   `matmul: expected inner dimensions to match, found (2,3) @ (4,5); hint: transpose the right operand?`
 *   `fromFile: vocab.tiktoken: line 12: expected a rank below 100, found 2000000000; hint: ...`
 *
 * `instanceof` fails when two copies of a package are installed (a bundler or a nested
 * node_modules); `isInstance` does not: each error carries a global symbol marker and the names of
 * its class chain, and `ShapeError.isInstance(e)` asks whether `ShapeError` is among them.
 */

const MARKER = Symbol.for('@llmforge/errors.error');

/** The parts of every error message. */
export interface ErrorDetails {
  /** The operation that failed, e.g. `matmul`, `fromFile`, `generate`. */
  operation: string;
  /** What was expected. */
  expected: string;
  /** What was found instead. */
  found: string;
  /** What the caller can do about it. */
  hint?: string;
  /** The file involved, if any. */
  file?: string;
  /** Where in the input: a field path (`model.vocab`), a line (`line 12`), an option (`option topP`). */
  where?: string;
  /** The underlying error (a file-system error, a parse error), kept as `error.cause`. */
  cause?: unknown;
}

/**
 * The message of an error with these details:
 * `operation: file: where: expected X, found Y; hint: Z` (absent parts left out).
 *
 * @example
 * ```ts
 * formatErrorMessage({ operation: 'load', file: 'a.json', expected: 'JSON', found: 'EOF' });
 * // 'load: a.json: expected JSON, found EOF'
 * ```
 */
export function formatErrorMessage(d: ErrorDetails): string {
  const location = [d.file, d.where].filter((part) => part !== undefined && part !== '').join(': ');
  const head = location ? `${d.operation}: ${location}: ` : `${d.operation}: `;
  return `${head}expected ${d.expected}, found ${d.found}${d.hint ? `; hint: ${d.hint}` : ''}`;
}

/** A class of the family: what {@link LlmforgeError.isInstance} needs from `this`. */
interface ErrorClass<E> {
  readonly errorName: string;
  readonly prototype: E;
}

/**
 * Base class of every error an @llmforge package throws on purpose.
 *
 * A subclass sets `static override readonly errorName: string = 'ShapeError'` (a string, so minified class
 * names do not matter) and inherits `isInstance`, which works across duplicate installs.
 *
 * @example
 * ```ts
 * class ShapeError extends LlmforgeError {
 *   static override readonly errorName: string = 'ShapeError';
 * }
 * try {
 *   throw new ShapeError({ operation: 'matmul', expected: 'inner dimensions to match', found: '(2,3) @ (4,5)' });
 * } catch (e) {
 *   if (ShapeError.isInstance(e)) console.error(e.operation); // 'matmul'
 *   LlmforgeError.isInstance(e); // true: every error of every package
 * }
 * ```
 */
export class LlmforgeError extends Error {
  /** The name instances get and `isInstance` looks for; each subclass sets its own. */
  static readonly errorName: string = 'LlmforgeError';

  readonly [MARKER] = true;
  /** This error's class name and its ancestors', most specific first (`['ShapeError', 'TensorError', 'LlmforgeError']`). */
  readonly kinds: readonly string[];
  readonly operation: string;
  readonly expected: string;
  readonly found: string;
  readonly hint: string | undefined;
  readonly file: string | undefined;
  readonly where: string | undefined;

  constructor(details: ErrorDetails) {
    super(formatErrorMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'errorName')) kinds.push((c as unknown as { errorName: string }).errorName);
    }
    this.kinds = kinds;
    this.name = kinds[0] ?? 'LlmforgeError';
    this.operation = details.operation;
    this.expected = details.expected;
    this.found = details.found;
    this.hint = details.hint;
    this.file = details.file;
    this.where = details.where;
  }

  /**
   * True when `error` is an instance of this class (or a subclass), from any installed copy of the
   * package that defines it.
   */
  static isInstance<E>(this: ErrorClass<E>, error: unknown): error is E {
    if (typeof error !== 'object' || error === null) return false;
    if ((error as Record<symbol, unknown>)[MARKER] !== true) return false;
    const kinds = (error as { kinds?: unknown }).kinds;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass isInstance was called on
    return Array.isArray(kinds) && kinds.includes(this.errorName);
  }
}

/**
 * The message of any thrown value, for wrapping: `describeCause(new Error('x'))` is `'x'`, and a
 * Node system error keeps its code (`ENOENT: no such file or directory, open 'a'`).
 *
 * @example
 * ```ts
 * describeCause('plain string'); // 'plain string'
 * ```
 */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

export { describeFsError, type FsErrorDescription } from './fs-error.js';
