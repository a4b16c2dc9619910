/// <reference types="@webgpu/types" />
/**
 * What a WebGPU kernel gets to work with: the device, its capabilities, compiled pipelines, a way to
 * record a dispatch, and scratch buffers. Kernels are plain functions `(ctx, args) => void`; the
 * backend binds them to its context to build the contract's typed kernel table.
 */
import type { DeviceTensor } from '../backend/backend.js';
import type { DType } from '../backend/dtype.js';
import type { IdCheck } from '../backend/id-check.js';
import type { OpArgs, OpName } from '../backend/ops.js';
import { BackendError, DTypeError, formatShape } from '../errors.js';
import type { PooledBuffer } from './buffer-pool.js';
import type { StorageBinding } from './command-batcher.js';
import type { IdFlagUse } from './id-error-flag.js';
import type { GpuDType } from './wgsl.js';

/** Storage of one WebGPU tensor: a pooled buffer and how many bytes of it the tensor uses. */
export interface GpuStorage {
  readonly buffer: GPUBuffer;
  /** The pool size class (bytes actually allocated). */
  readonly capacity: number;
  /** Bytes the tensor's elements occupy (`size · bytesPerElement`). */
  readonly byteLength: number;
  /** Set by `free`; using freed storage raises DisposedError. */
  freed: boolean;
}

/** A tensor as WebGPU kernels see it. */
export type GpuTensor = DeviceTensor<GpuStorage>;

/** Device capabilities kernels branch on. */
export interface GpuCaps {
  f16: boolean;
  subgroups: boolean;
  subgroupMatrix: boolean;
  maxStorageBinding: number;
  maxWorkgroupStorage: number;
  maxInvocations: number;
}

/** The services a kernel uses. */
export interface KernelContext {
  readonly device: GPUDevice;
  readonly caps: GpuCaps;
  /** The compiled pipeline of `code` (cached). */
  pipeline(code: string, entryPoint?: string): GPUComputePipeline;
  /**
   * Records a dispatch: `params` at binding 0 (when given), then `bindings` (tensors or raw
   * buffers) at 1, 2, ... Checks each binding against `maxStorageBufferBindingSize`.
   */
  dispatch(
    op: string,
    code: string,
    bindings: ReadonlyArray<GpuTensor | StorageBinding>,
    workgroups: readonly [number, number?, number?],
    params?: ArrayBuffer,
  ): void;
  /** A temporary buffer of at least `bytes`, returned to the pool once the recorded work is submitted. */
  scratch(bytes: number): PooledBuffer;
  /** Uploads host data into a scratch buffer (for small tables, e.g. rope's cos/sin). */
  upload(data: ArrayBufferView): PooledBuffer;
  /**
   * Starts a device-side id check (see `id-error-flag.ts`): the tag the kernel passes to
   * `reportBadId(tag, position)` (WGSL from `idFlagWGSL(binding)`) and the flag to bind.
   */
  idCheck(check: IdCheck): IdFlagUse;
  /** Ends it: records the one-thread dispatch that fetches the bad id from `ids` (right after the kernel). */
  resolveIds(use: IdFlagUse, ids: GpuTensor): void;
}

/** A WebGPU kernel of op `K`. */
export type GpuKernel<K extends OpName> = (ctx: KernelContext, args: OpArgs<K, GpuTensor>) => void;

/**
 * The WGSL storage type of a dtype, checking the device can hold it.
 *
 * @example
 * ```ts
 * wgslType(ctx, 'softmax', 'f16'); // 'f16' with shader-f16, DTypeError without
 * ```
 */
export function wgslType(ctx: KernelContext, op: string, dtype: DType): GpuDType {
  if (dtype === 'f64') {
    throw new DTypeError({
      operation: op,
      expected: 'f32, f16, i32 or u32 on the WebGPU backend',
      found: 'f64',
      hint: 'WGSL has no 64-bit floats; use the CPU backend for f64 (gradchecks) or cast to f32',
    });
  }
  if (dtype === 'f16' && !ctx.caps.f16) {
    throw new DTypeError({
      operation: op,
      expected: 'f32, i32 or u32 (this adapter has no shader-f16)',
      found: 'f16',
      hint: 'cast to f32, or in Node pass the Dawn toggle vulkan_enable_f16_on_nvidia (createNodeBackend does)',
    });
  }
  return dtype;
}

/** The type a kernel computes in for storage type `t`: f32 for floats, else the integer type. */
export function computeType(t: GpuDType): 'f32' | 'i32' | 'u32' {
  return t === 'f16' ? 'f32' : t;
}

/** ShapeError-free guard for shapes a kernel cannot index (rank above the params budget). */
export function requireMaxRank(op: string, shape: readonly number[], max: number): void {
  if (shape.length > max) {
    throw new BackendError({
      operation: op,
      expected: `a tensor of rank ≤ ${max} on the WebGPU backend`,
      found: formatShape(shape),
      hint: 'merge adjacent axes with reshape() first',
    });
  }
}
