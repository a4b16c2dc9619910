/**
 * Whether ops record the autograd tape. `noGrad(fn)` turns recording off inside `fn` (inference,
 * optimizer steps, backward itself); it nests and restores the previous mode even when `fn` throws.
 */

let enabled = true;

/** True when ops on tensors that require grad are recorded for backward. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` with recording off and returns its result. `fn` must be synchronous: the mode is
 * restored when it returns.
 *
 * @example
 * ```ts
 * const w = randn([3, 3], gen).requireGrad();
 * const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with recording on (inside a `noGrad`, e.g. to build a graph in an eval loop). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}
