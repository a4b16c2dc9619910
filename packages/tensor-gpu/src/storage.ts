/**
 * Storage: one backend buffer shared by every tensor handle that reads it (a tensor, its reshape
 * views, the copies the autograd tape keeps for backward). It is reference-counted: the buffer goes
 * back to the backend's pool when the last handle lets go.
 *
 * Also here: the count of live tensor handles per backend, which `memory(backend)` reports next to
 * the backend's own pool statistics (a training loop whose count grows leaks tensors).
 *
 * ```
 * x = tensor(...)        storage refs 1   live handles 1
 * v = x.reshape([-1])    storage refs 2   live handles 2   (same buffer)
 * x.dispose()            storage refs 1   live handles 1
 * v.dispose()            storage refs 0 → backend.free(buffer)
 * ```
 */

import { describeCause, LlmforgeError } from '@llmforge/errors';
import type { Backend, BackendMemory } from './backend/backend.js';
import type { DType } from './backend/dtype.js';
import { BackendError } from './errors.js';

/** One buffer of a backend, shared by the tensor handles that read it. */
export class Storage {
  private refs = 0;
  /**
   * How many times the data was overwritten in place (torch's `_version`): `assign`, optimizer
   * updates, `loadStateDict`, ops that write into an input. The autograd tape records it for every
   * tensor it saves and `backward()` checks it did not change.
   */
  version = 0;

  constructor(
    readonly backend: Backend,
    /** The backend's handle (a typed array on the CPU, a GPUBuffer on WebGPU). */
    readonly data: unknown,
  ) {}

  /** Fresh (uninitialised) storage for `size` elements of `dtype` from the backend's pool. */
  static allocate(backend: Backend, dtype: DType, size: number): Storage {
    try {
      return new Storage(backend, backend.allocate(dtype, size));
    } catch (e) {
      if (LlmforgeError.isInstance(e)) throw e;
      // a host allocation the engine refused (RangeError: Array buffer allocation failed, ...)
      throw new BackendError({
        operation: 'allocate',
        expected: `memory for ${size} elements of ${dtype} on the ${backend.name} backend`,
        found: describeCause(e),
        hint: 'the tensor is too large for this machine: use a smaller batch or model, or split the work',
        cause: e,
      });
    }
  }

  /** A new handle uses this storage. */
  retain(): void {
    this.refs++;
  }

  /** True when more than one handle uses this storage (writing it in place would change the others). */
  get shared(): boolean {
    return this.refs > 1;
  }

  /** A handle let go; the last one returns the buffer to the pool. */
  release(): void {
    this.refs--;
    if (this.refs === 0) this.backend.free(this.data);
  }
}

const liveTensors = new WeakMap<Backend, number>();

/** Called by the Tensor constructor (+1) and `dispose()` (−1). */
export function countTensor(backend: Backend, delta: number): void {
  liveTensors.set(backend, (liveTensors.get(backend) ?? 0) + delta);
}

/** Memory statistics of a backend plus the number of live tensor handles on it. */
export interface MemoryInfo extends BackendMemory {
  liveTensors: number;
}

/**
 * The backend's pool statistics plus live tensor handles.
 *
 * @example
 * ```ts
 * memory(backend).liveBytes; // bytes held by live tensors
 * ```
 */
export function memory(backend: Backend): MemoryInfo {
  return { ...backend.memory(), liveTensors: liveTensors.get(backend) ?? 0 };
}
