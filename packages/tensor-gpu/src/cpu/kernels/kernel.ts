/**
 * Types and small helpers shared by every CPU kernel.
 *
 * CPU storage is a typed array of exactly the tensor's size (a view into a pooled ArrayBuffer, see
 * `cpu/pool.ts`). Float kernels only ever see Float32Array or Float64Array: the backend runs f16 ops
 * by widening f16 inputs to f32 and narrowing outputs back (`cpu/backend.ts`), so a kernel is written
 * once, generic over `FloatArray`.
 *
 * A kernel has the contract's signature, e.g.
 * ```ts
 * export const reluLike: CpuKernel<'unary'> = ({ inputs: { x }, outputs: { y }, attrs }) => { ... };
 * ```
 */
import type { Kernel } from '../../backend/backend.js';
import type { FloatArray, TypedArray } from '../../backend/dtype.js';
import type { OpName } from '../../backend/ops.js';
import { DTypeError } from '../../errors.js';

/** What a CPU tensor's storage is. */
export type CpuStorage = TypedArray;

/** A CPU kernel for op `K`. */
export type CpuKernel<K extends OpName> = Kernel<K, CpuStorage>;

/** The storage of a float tensor, narrowed (throws DTypeError naming `op` for anything else). */
export function floatData(op: string, storage: CpuStorage): FloatArray {
  if (storage instanceof Float32Array || storage instanceof Float64Array) return storage;
  throw new DTypeError({
    operation: op,
    expected: 'f32 or f64 storage on the CPU backend',
    found: storage.constructor.name,
    hint: 'cast the tensor to f32 first',
  });
}

/** The storage of an i32 tensor, narrowed. */
export function intData(op: string, storage: CpuStorage): Int32Array {
  if (storage instanceof Int32Array) return storage;
  throw new DTypeError({
    operation: op,
    expected: 'i32 storage',
    found: storage.constructor.name,
    hint: "cast the ids with .cast('i32')",
  });
}
