/**
 * `tidy(fn)` scopes, tfjs style: every tensor created while `fn` runs is disposed when it returns,
 * except the tensors it returns (found inside arrays and plain objects too) and tensors passed to
 * `keep()`. Returned tensors move to the enclosing scope. Scopes nest.
 *
 * ```ts
 * const loss = tidy(() => {
 *   const h = x.matmul(w).relu();   // disposed at the end (the graph keeps what backward needs)
 *   return h.sum();                  // survives
 * });
 * ```
 */
import { BackendError } from '../errors.js';

/** What a scope needs of a tensor. */
export interface Trackable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const scopes: Set<Trackable>[] = [];
const kept = new WeakSet<Trackable>();

/** Called by the Tensor constructor: the tensor joins the innermost scope (if any). */
export function track(t: Trackable): void {
  const scope = scopes[scopes.length - 1];
  if (scope && !kept.has(t)) scope.add(t);
}

/**
 * Exempts `t` from every tidy scope (it lives until `dispose()`); returns it.
 *
 * @example
 * ```ts
 * let state: Tensor | undefined;
 * tidy(() => { state = keep(zeros([4])); });
 * ```
 */
export function keep<T extends Trackable>(t: T): T {
  kept.add(t);
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<Trackable>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (typeof (value as Trackable).dispose === 'function' && 'isDisposed' in (value as object)) {
    out.add(value as Trackable);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collect(v, out, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out, depth + 1);
  }
}

/**
 * Runs `fn` in a scope; disposes the tensors it created and did not return or keep.
 * `fn` must be synchronous (an async function's tensors would outlive the scope).
 *
 * @example
 * ```ts
 * const y = tidy(() => x.mul(2).add(1)); // the x.mul(2) temporary is disposed
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Trackable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  scopes.pop();
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as { then?: unknown }).then === 'function'
  ) {
    // an async fn is still running: disposing its tensors now would pull them from under it
    const parent = scopes[scopes.length - 1];
    if (parent) for (const t of scope) parent.add(t);
    throw new BackendError({
      operation: 'tidy',
      expected: 'a synchronous function',
      found: 'a function returning a Promise',
      hint: 'keep the tensor work synchronous inside tidy and await data() outside it',
    });
  }
  const survivors = new Set<Trackable>();
  collect(result, survivors, 0);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (survivors.has(t)) {
      if (parent) parent.add(t);
    } else {
      t.dispose();
    }
  }
  return result;
}
