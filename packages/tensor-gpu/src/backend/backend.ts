/**
 * The Backend interface: the few primitives every backend implements (allocate, free, write, read,
 * run a kernel, sync, memory stats, dispose), and the typed kernel table each backend fills.
 *
 * A backend knows nothing of autograd or tensor handles: it owns storage (typed arrays on the CPU,
 * GPUBuffers on WebGPU) and runs the ops of the contract (`ops.ts`) on it. The Tensor layer does the
 * rest: shape inference, refcounting (a reshape shares storage), and disposal.
 *
 * Backends are created explicitly (`createCpuBackend()`, `createWebGPUBackend({ gpu })`), never
 * registered by importing a module.
 */
import type { DType, TypedArray } from './dtype.js';
import type { IdCheck } from './id-check.js';
import type { OpArgs, OpName } from './ops.js';

/** A tensor as a kernel sees it: its storage plus shape and dtype (contiguous, row-major). */
export interface DeviceTensor<S> {
  readonly storage: S;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The kernel of op `K` on a backend whose storage is `S`. Writes every element of every output. */
export type Kernel<K extends OpName, S> = (args: OpArgs<K, DeviceTensor<S>>) => void;

/** One kernel per op: a typed record, so a missing kernel is a compile error. */
export type KernelTable<S> = { [K in OpName]: Kernel<K, S> };

/** What a backend's memory looks like right now (bytes are the pool's size classes). */
export interface BackendMemory {
  /** Bytes in storages handed out and not yet freed. */
  liveBytes: number;
  /** Bytes in freed storages the pool keeps for reuse. */
  pooledBytes: number;
  /** Number of storages handed out and not yet freed. */
  liveBuffers: number;
  /** Number of storages kept in the pool. */
  pooledBuffers: number;
  /** The largest `liveBytes` seen. */
  peakLiveBytes: number;
}

/**
 * What every backend implements. `S` is its storage handle type.
 *
 * @example
 * ```ts
 * const backend = createCpuBackend();
 * const s = backend.allocate('f32', 3);
 * backend.write(s, new Float32Array([1, 2, 3]));
 * await backend.read(s, 'f32', 3); // Float32Array [1, 2, 3]
 * backend.free(s);
 * ```
 */
export interface Backend<S = unknown> {
  /** `cpu` or `webgpu`. */
  readonly name: string;
  /** The dtypes this backend stores and computes (f64 on the CPU only; f16 where supported). */
  readonly dtypes: readonly DType[];
  /** True after `dispose()`. */
  readonly disposed: boolean;
  /** Storage for `size` elements of `dtype` (from the pool; contents undefined). */
  allocate(dtype: DType, size: number): S;
  /** Returns storage to the pool. */
  free(storage: S): void;
  /** Copies host data (of the storage's dtype and size; f16 as Uint16Array bits) into storage. */
  write(storage: S, data: TypedArray): void;
  /** A fresh host copy of the first `size` elements (waits for queued kernels). */
  read(storage: S, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read, on backends that can (the CPU); absent on WebGPU. */
  readSync?(storage: S, dtype: DType, size: number): TypedArray;
  /** Runs op `op`'s kernel; outputs were allocated by the caller from the shapes `inferOutputs` gave. */
  run<K extends OpName>(op: K, args: OpArgs<K, DeviceTensor<S>>): void;
  /**
   * Checks i32 `ids` against `check` without reading them back, on backends that cannot read
   * synchronously (WebGPU): a bad id raises `idError(check, ...)` from the next read or sync. The
   * Tensor layer reads the ids itself (`readSync`) where this is absent.
   */
  checkIds?(ids: DeviceTensor<S>, check: IdCheck): void;
  /**
   * Resolves when every queued kernel has finished; rejects with the error of a bad id a kernel met
   * since the last read or sync (WebGPU, see `checkIds`).
   */
  sync(): Promise<void>;
  /** Pool statistics. */
  memory(): BackendMemory;
  /** Frees the pool and every resource; the backend cannot be used afterwards. */
  dispose(): void;
}
