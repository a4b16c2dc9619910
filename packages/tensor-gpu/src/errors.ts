/**
 * Typed errors of @llmforge/tensor-gpu.
 *
 * Every message names the operation, what was expected, what was found and a hint, e.g.
 * `matmul: expected inner dimensions to match, found (2,3) @ (4,5); hint: transpose the right operand?`.
 * Each class carries a symbol marker so `isInstance` works even when two copies of this package are
 * installed (where `instanceof` would fail).
 */

const MARKER = Symbol.for('@llmforge/tensor-gpu.error');

/** The parts of every error message. */
export interface ErrorDetails {
  /** The operation that failed, e.g. `matmul` or `backward`. */
  operation: string;
  /** What was expected. */
  expected: string;
  /** What was found instead. */
  found: string;
  /** What the caller can do about it. */
  hint?: string;
  cause?: unknown;
}

function formatMessage(d: ErrorDetails): string {
  return `${d.operation}: expected ${d.expected}, found ${d.found}${d.hint ? `; hint: ${d.hint}` : ''}`;
}

/** `(2,3)`: a shape the way error messages print it. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(',')})`;
}

/**
 * Base class of every error this package throws on purpose.
 *
 * @example
 * ```ts
 * try { a.matmul(b); } catch (e) { if (TensorError.isInstance(e)) console.error(e.operation); }
 * ```
 */
export class TensorError extends Error {
  readonly [MARKER] = true;
  readonly operation: string;
  readonly expected: string;
  readonly found: string;
  readonly hint: string | undefined;

  constructor(details: ErrorDetails) {
    super(formatMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TensorError';
    this.operation = details.operation;
    this.expected = details.expected;
    this.found = details.found;
    this.hint = details.hint;
  }

  /** True for any error of this package, from any installed copy of it. */
  static isInstance(error: unknown): error is TensorError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

function isNamed(error: unknown, name: string): boolean {
  return TensorError.isInstance(error) && (error as Error).name === name;
}

/**
 * Shapes do not fit the operation (rank, broadcast, inner dimensions, axis out of range).
 *
 * @example
 * ```ts
 * // matmul: expected inner dimensions to match, found (2,3) @ (4,5); hint: transpose the right operand?
 * if (ShapeError.isInstance(e)) console.error(e.message);
 * ```
 */
export class ShapeError extends TensorError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'ShapeError';
  }
  static override isInstance(error: unknown): error is ShapeError {
    return isNamed(error, 'ShapeError');
  }
}

/**
 * An element type the operation or backend does not accept (int logits, f64 on WebGPU, ...).
 *
 * @example
 * ```ts
 * if (DTypeError.isInstance(e)) console.error(e.expected, e.found);
 * ```
 */
export class DTypeError extends TensorError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'DTypeError';
  }
  static override isInstance(error: unknown): error is DTypeError {
    return isNamed(error, 'DTypeError');
  }
}

/**
 * A tensor (or backend) was used after `dispose()` (or after its `tidy` scope ended).
 *
 * @example
 * ```ts
 * const t = zeros([2]); t.dispose();
 * try { t.add(t); } catch (e) { DisposedError.isInstance(e); } // true: "add: expected a live tensor..."
 * ```
 */
export class DisposedError extends TensorError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'DisposedError';
  }
  static override isInstance(error: unknown): error is DisposedError {
    return isNamed(error, 'DisposedError');
  }
}

/**
 * A backend cannot do what was asked: unknown kernel, tensors from two backends mixed, a binding
 * larger than the device allows, an adapter missing, autograd misuse.
 *
 * @example
 * ```ts
 * if (BackendError.isInstance(e)) console.error(e.hint);
 * ```
 */
export class BackendError extends TensorError {
  constructor(details: ErrorDetails) {
    super(details);
    this.name = 'BackendError';
  }
  static override isInstance(error: unknown): error is BackendError {
    return isNamed(error, 'BackendError');
  }
}

/**
 * The GPU device was lost (driver reset, out of memory, `destroy()`): pending reads reject with this,
 * and the backend cannot be used any more.
 *
 * @example
 * ```ts
 * try { await t.data(); } catch (e) { if (DeviceLostError.isInstance(e)) recreateBackend(); }
 * ```
 */
export class DeviceLostError extends TensorError {
  /** The reason the device reported (`destroyed` or `unknown`), when known. */
  readonly reason: string | undefined;
  constructor(details: ErrorDetails & { reason?: string }) {
    super(details);
    this.name = 'DeviceLostError';
    this.reason = details.reason;
  }
  static override isInstance(error: unknown): error is DeviceLostError {
    return isNamed(error, 'DeviceLostError');
  }
}
