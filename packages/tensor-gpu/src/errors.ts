/**
 * Typed errors of @llmforge/tensor-gpu.
 *
 * Every message names the operation, what was expected, what was found and a hint, e.g.
 * `matmul: expected inner dimensions to match, found (2,3) @ (4,5); hint: transpose the right operand?`.
 * Every class extends `LlmforgeError` (@llmforge/errors), whose `isInstance` works even when two copies
 * of this package are installed (where `instanceof` would fail).
 */

import { type ErrorDetails, LlmforgeError } from '@llmforge/errors';

export type { ErrorDetails };

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
export class TensorError extends LlmforgeError {
  static override readonly errorName: string = 'TensorError';
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
  static override readonly errorName: string = 'ShapeError';
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
  static override readonly errorName: string = 'DTypeError';
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
  static override readonly errorName: string = 'DisposedError';
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
  static override readonly errorName: string = 'BackendError';
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
  static override readonly errorName: string = 'DeviceLostError';
  /** The reason the device reported (`destroyed` or `unknown`), when known. */
  readonly reason: string | undefined;
  constructor(details: ErrorDetails & { reason?: string }) {
    super(details);
    this.reason = details.reason;
  }
}

/**
 * An argument or option has the wrong type or a value outside its domain: a fill value that is not
 * a number, `rope` theta 0, a negative `eps`, a generator that is not a RandomGenerator, a layer size
 * of −1. (Shapes that do not fit raise ShapeError, element types DTypeError.)
 *
 * @example
 * ```ts
 * try { new Linear(-1, 3, { generator }); } catch (e) {
 *   ArgumentError.isInstance(e); // true: "Linear: expected inFeatures an integer ≥ 0, found -1; hint: ..."
 * }
 * ```
 */
export class ArgumentError extends TensorError {
  static override readonly errorName: string = 'ArgumentError';
}

/**
 * `backward()` needs a tensor that was overwritten in place after the forward pass saved it
 * (`assign`, an optimizer step, `loadStateDict`, any op writing into its input): the gradient would be
 * computed from the new values. Like torch's "one of the variables needed for gradient computation
 * has been modified by an inplace operation", raised before any gradient is written.
 *
 * @example
 * ```ts
 * const loss = x.matmul(w).sum();
 * w.assign(new Float32Array(w.size)); // w changes between forward and backward
 * try { loss.backward(); } catch (e) {
 *   InplaceModificationError.isInstance(e); // true
 *   e.savedIndex; // which of matmul's saved tensors changed
 * }
 * ```
 */
export class InplaceModificationError extends TensorError {
  static override readonly errorName: string = 'InplaceModificationError';
  /** The op whose saved tensor changed (`matmul`, `layerNorm`, ...). */
  readonly op: string;
  /** Which of the op's saved tensors changed (0-based, in the order the op saved them). */
  readonly savedIndex: number;
  /** The version the tensor had when the op saved it. */
  readonly expectedVersion: number;
  /** Its version at backward. */
  readonly foundVersion: number;
  constructor(
    details: ErrorDetails & { op: string; savedIndex: number; expectedVersion: number; foundVersion: number },
  ) {
    super(details);
    this.op = details.op;
    this.savedIndex = details.savedIndex;
    this.expectedVersion = details.expectedVersion;
    this.foundVersion = details.foundVersion;
  }
}
