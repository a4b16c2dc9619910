/**
 * Range checks of integer ids (token ids, targets, indices), defined once for every backend.
 *
 * The CPU kernels throw the moment they meet a bad id. A GPU kernel cannot throw: the WebGPU kernels
 * that take ids set an error flag on the device instead, and the backend raises the error when a
 * result is next read (`webgpu/id-error-flag.ts`). Both build the error from an {@link IdCheck}, so
 * the message is the same on every backend:
 *
 *   gather: expected ids in [0, 3) for a table of shape (3,2), found id 5 at position 1; hint: ...
 *   crossEntropy: expected every target in [0, 3) or equal to ignoreIndex -100, found target 5 at row 0; ...
 */
import { ShapeError } from '../errors.js';

/** What makes an id valid, and the parts of the error when one is not. */
export interface IdCheck {
  /** The operation the error names (`gather`, `crossEntropy`, `takeAlongAxis`, ...). */
  readonly operation: string;
  /** Valid ids are the integers in [0, bound). */
  readonly bound: number;
  /** An id equal to this is skipped, not checked (cross entropy's ignoreIndex). */
  readonly ignore?: number;
  /** What was expected, e.g. `ids in [0, 3) for a table of shape (3,2)`. */
  readonly expected: string;
  /** How the offending id is reported: `(5, 1) → 'id 5 at position 1'`. */
  readonly found: (id: number, position: number) => string;
  readonly hint: string;
}

/**
 * True when `id` fails `check` (the test every backend applies).
 *
 * @example
 * ```ts
 * badId({ bound: 3, ignore: -100, ... }, -100); // false: ignored
 * badId({ bound: 3, ... }, 3); // true
 * ```
 */
export function badId(check: IdCheck, id: number): boolean {
  if (id === check.ignore) return false;
  return !(Number.isInteger(id) && id >= 0 && id < check.bound);
}

/**
 * The ShapeError for id `id` at `position` failing `check`.
 *
 * @example
 * ```ts
 * throw idError(check, 5, 1); // gather: expected ids in [0, 3) ..., found id 5 at position 1; hint: ...
 * ```
 */
export function idError(check: IdCheck, id: number, position: number): ShapeError {
  return new ShapeError({
    operation: check.operation,
    expected: check.expected,
    found: check.found(id, position),
    hint: check.hint,
  });
}

/**
 * Throws {@link idError} for the first id of `ids` that fails `check` (host-side check).
 *
 * @example
 * ```ts
 * assertIds(new Int32Array([0, 7]), gatherCheck); // throws: found id 7 at position 1
 * ```
 */
export function assertIds(ids: ArrayLike<number>, check: IdCheck): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (badId(check, id)) throw idError(check, id, i);
  }
}
