/// <reference types="@webgpu/types" />
/**
 * The WebGPU backend: storage is pooled GPUBuffers, kernels are WGSL compute shaders.
 *
 * Data flow of one op:
 *   Tensor layer → `run(op, args)` → checks (disposed, dtype) → kernel (`kernels/<op>.ts`) builds WGSL
 *   → `PipelineCache` compiles it once → `CommandBatcher` records the dispatch into the open encoder
 *   → submitted on `read` / `sync` / every 512 dispatches.
 * Reads copy into a MAP_READ staging buffer (pooled too) in the same batch, submit, and map.
 * Writes go through `queue.writeBuffer` in ≤ 64 MiB chunks (one 256 MiB write crashed Dawn on NVIDIA);
 * a write into a buffer the pending batch uses submits that batch first (see command-batcher.ts).
 * Device loss rejects pending and later reads/syncs with DeviceLostError; a WebGPU validation error
 * (a bug in a kernel) is reported by the next read/sync as a BackendError; an id out of range met by
 * a kernel (gather, cross entropy, ...) by the next read/sync as the CPU backend's ShapeError
 * (`id-error-flag.ts`: the flag is copied with the read, no extra round trip).
 */

import { requireOptions } from '../arguments.js';
import type { Backend, BackendMemory, KernelTable } from '../backend/backend.js';
import { bytesPerElement, type DType, type TypedArray } from '../backend/dtype.js';
import type { IdCheck } from '../backend/id-check.js';
import type { OpArgs, OpName } from '../backend/ops.js';
import { BackendError, DeviceLostError, DisposedError, DTypeError } from '../errors.js';
import { BufferPool, type PooledBuffer } from './buffer-pool.js';
import { CommandBatcher, type StorageBinding } from './command-batcher.js';
import { ID_FLAG_BYTES, IdErrorFlag, RESOLVE_BAD_ID_WGSL } from './id-error-flag.js';
import type { GpuCaps, GpuStorage, GpuTensor, KernelContext } from './kernel-context.js';
import { checkIdsKernel } from './kernels/check-ids.js';
import { WEBGPU_KERNELS } from './kernels/index.js';
import { PipelineCache } from './pipeline-cache.js';
import { requestDevice } from './request-device.js';
import { Params } from './wgsl.js';

/** Largest single `queue.writeBuffer` (bigger uploads are split). */
export const UPLOAD_CHUNK_BYTES = 64 * 1024 * 1024;

/** Options of {@link createWebGPUBackend}. */
export interface WebGPUBackendOptions {
  /** `navigator.gpu` in a browser; in Node, `create([...])` from the `webgpu` package. */
  gpu?: GPU;
  /** Use this device instead of requesting one (its limits are what they are). */
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
  /** `compatibility` for OpenGL ES adapters. */
  featureLevel?: 'core' | 'compatibility';
  /** Dispatches per submitted command buffer (default 512). */
  maxBatch?: number;
  /** Destroy the device on `dispose()` (default: true when this backend requested it). */
  ownsDevice?: boolean;
  /**
   * Objects that must outlive the device (in Node, the `GPU` object from `create()`: if it is garbage
   * collected, Dawn's instance goes with it and the process aborts). The backend holds them.
   */
  keepAlive?: unknown;
}

function isTensor(b: GpuTensor | StorageBinding): b is GpuTensor {
  return (b as GpuTensor).storage !== undefined;
}

/** The WebGPU implementation of {@link Backend}. Create it with {@link createWebGPUBackend}. */
export class WebGPUBackend implements Backend<GpuStorage> {
  readonly name = 'webgpu';
  readonly dtypes: readonly DType[];
  readonly caps: GpuCaps;
  readonly device: GPUDevice;
  private readonly pool: BufferPool;
  private readonly staging: BufferPool;
  private readonly batcher: CommandBatcher;
  private readonly pipelines: PipelineCache;
  private readonly kernels: KernelTable<GpuStorage>;
  /** The services kernels use (exposed for benchmarks that dispatch kernels on raw buffers). */
  readonly kernelContext: KernelContext;
  private pendingScratch: PooledBuffer[] = [];
  private peakLiveBytes = 0;
  private isDisposed = false;
  private lost: GPUDeviceLostInfo | undefined;
  private readonly lostPromise: Promise<GPUDeviceLostInfo>;
  private validationError: string | undefined;
  private readonly ownsDevice: boolean;
  private readonly idFlag: IdErrorFlag;

  /** Held only so it is not garbage collected while the device lives (see the option). */
  private keepAlive: unknown;

  constructor(
    device: GPUDevice,
    options: { maxBatch?: number; ownsDevice?: boolean; keepAlive?: unknown } = {},
  ) {
    this.device = device;
    this.keepAlive = options.keepAlive;
    this.ownsDevice = options.ownsDevice ?? false;
    const limits = device.limits;
    this.caps = {
      f16: device.features.has('shader-f16'),
      subgroups: device.features.has('subgroups'),
      subgroupMatrix: device.features.has('chromium-experimental-subgroup-matrix' as GPUFeatureName),
      maxStorageBinding: limits.maxStorageBufferBindingSize,
      maxWorkgroupStorage: limits.maxComputeWorkgroupStorageSize,
      maxInvocations: limits.maxComputeInvocationsPerWorkgroup,
    };
    this.dtypes = this.caps.f16 ? ['f32', 'f16', 'i32', 'u32'] : ['f32', 'i32', 'u32'];
    this.pool = new BufferPool(device);
    this.staging = new BufferPool(
      device,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      'llmforge-staging',
    );
    this.batcher = new CommandBatcher(device, options.maxBatch ?? 512);
    this.pipelines = new PipelineCache(device);
    this.idFlag = new IdErrorFlag(device);
    this.lostPromise = device.lost.then((info) => {
      this.lost = info;
      return info;
    });
    device.addEventListener('uncapturederror', (event) => {
      const message = (event as GPUUncapturedErrorEvent).error.message;
      this.validationError ??= message;
    });
    const ctx = this.context();
    this.kernelContext = ctx;
    const table = {} as Record<OpName, unknown>;
    for (const [op, kernel] of Object.entries(WEBGPU_KERNELS)) {
      table[op as OpName] = (args: unknown) => (kernel as (c: KernelContext, a: unknown) => void)(ctx, args);
    }
    this.kernels = table as KernelTable<GpuStorage>;
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  private context(): KernelContext {
    return {
      device: this.device,
      caps: this.caps,
      pipeline: (code, entryPoint) => this.pipelines.get(code, entryPoint),
      dispatch: (op, code, bindings, workgroups, params) => {
        const resolved: StorageBinding[] = bindings.map((b) => {
          if (!isTensor(b)) return b;
          this.checkLive(op, b.storage);
          // Bind whole 4-byte words: a binding of an odd number of f16s rounds up.
          const size = Math.max(4, Math.ceil(b.storage.byteLength / 4) * 4);
          return { buffer: b.storage.buffer, offset: 0, size };
        });
        for (const r of resolved) {
          const size = r.size ?? r.buffer.size;
          if (size > this.caps.maxStorageBinding) {
            throw new BackendError({
              operation: op,
              expected: `every tensor bound to a kernel ≤ maxStorageBufferBindingSize (${this.caps.maxStorageBinding} bytes)`,
              found: `a binding of ${size} bytes`,
              hint: 'split the tensor (e.g. a smaller batch), or use an adapter with larger limits',
            });
          }
        }
        const [x, y, z] = workgroups;
        if (x === 0 || y === 0 || z === 0) return;
        this.batcher.dispatch(this.pipelines.get(code), resolved, workgroups, params);
      },
      scratch: (bytes) => {
        const b = this.pool.acquire(Math.max(4, bytes));
        this.pendingScratch.push(b);
        return b;
      },
      upload: (data) => {
        const bytes = Math.ceil(data.byteLength / 4) * 4;
        const b = this.pool.acquire(Math.max(4, bytes));
        this.pendingScratch.push(b);
        this.batcher.beforeWrite(b.buffer);
        const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        const padded = bytes === data.byteLength ? view : new Uint8Array(bytes);
        if (padded !== view) padded.set(view);
        this.device.queue.writeBuffer(b.buffer, 0, padded as Uint8Array<ArrayBuffer>);
        return b;
      },
      idCheck: (check) => this.idFlag.use(check),
      resolveIds: (use, ids) => {
        const count = ids.shape.reduce((a, b) => a * b, 1);
        const params = new Params().u32(use.tag).u32(count).buffer;
        this.kernelContext.dispatch('checkIds', RESOLVE_BAD_ID_WGSL, [ids, use.binding], [1], params);
      },
    };
  }

  private checkUsable(op: string): void {
    if (this.isDisposed) {
      throw new DisposedError({
        operation: op,
        expected: 'a live WebGPU backend',
        found: 'a disposed one',
        hint: 'create a new backend with createWebGPUBackend()',
      });
    }
    if (this.lost) throw this.lostError(op);
  }

  private lostError(op: string): DeviceLostError {
    return new DeviceLostError({
      operation: op,
      expected: 'a live GPU device',
      found: `the device was lost (${this.lost?.reason ?? 'unknown'}: ${this.lost?.message ?? ''})`,
      hint: 'create a new backend; tensors of the lost device cannot be recovered',
      reason: this.lost?.reason ?? 'unknown',
    });
  }

  private checkLive(op: string, s: GpuStorage): void {
    if (s.freed) {
      throw new DisposedError({
        operation: op,
        expected: 'a live tensor',
        found: 'a tensor whose storage was freed',
        hint: 'it was disposed (or its tidy() scope ended); keep() it or clone it first',
      });
    }
  }

  private checkDType(op: string, dtype: DType): void {
    if (!this.dtypes.includes(dtype)) {
      throw new DTypeError({
        operation: op,
        expected: `one of ${this.dtypes.join(', ')} on this WebGPU device`,
        found: dtype,
        hint:
          dtype === 'f64'
            ? 'WGSL has no f64: cast to f32, or use the CPU backend'
            : 'this adapter lacks shader-f16: cast to f32',
      });
    }
  }

  private flush(): void {
    this.batcher.flush();
    for (const b of this.pendingScratch) this.pool.release(b);
    this.pendingScratch = [];
  }

  private takeValidationError(op: string): BackendError | undefined {
    const message = this.validationError;
    if (message === undefined) return undefined;
    this.validationError = undefined;
    return new BackendError({
      operation: op,
      expected: 'every queued WebGPU command to be valid',
      found: `a WebGPU validation error: ${message}`,
      hint: 'this is a bug in a WebGPU kernel; run the same ops on createCpuBackend() to compare',
    });
  }

  allocate(dtype: DType, size: number): GpuStorage {
    this.checkUsable('allocate');
    this.checkDType('allocate', dtype);
    const byteLength = size * bytesPerElement(dtype);
    if (byteLength > this.device.limits.maxBufferSize) {
      throw new BackendError({
        operation: 'allocate',
        expected: `at most maxBufferSize (${this.device.limits.maxBufferSize} bytes) per tensor on this device`,
        found: `${size} × ${dtype} = ${byteLength} bytes`,
        hint: 'split the tensor, or use an adapter with larger limits',
      });
    }
    const b = this.pool.acquire(Math.max(4, byteLength));
    const live = this.pool.stats().liveBytes;
    if (live > this.peakLiveBytes) this.peakLiveBytes = live;
    return { buffer: b.buffer, capacity: b.size, byteLength, freed: false };
  }

  free(storage: GpuStorage): void {
    if (storage.freed || this.isDisposed) return;
    storage.freed = true;
    this.pool.release({ buffer: storage.buffer, size: storage.capacity });
  }

  write(storage: GpuStorage, data: TypedArray): void {
    this.checkUsable('write');
    this.checkLive('write', storage);
    if (data.byteLength > storage.capacity) {
      throw new BackendError({
        operation: 'write',
        expected: `at most ${storage.byteLength} bytes (the tensor's size)`,
        found: `${data.byteLength} bytes`,
        hint: 'the host array must have the tensor’s element count and dtype',
      });
    }
    this.batcher.beforeWrite(storage.buffer);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let off = 0; off < bytes.byteLength; off += UPLOAD_CHUNK_BYTES) {
      let chunk = bytes.subarray(off, Math.min(bytes.byteLength, off + UPLOAD_CHUNK_BYTES));
      if (chunk.byteLength % 4 !== 0) {
        // writeBuffer wants whole 4-byte words: pad the tail (odd f16 counts).
        const padded = new Uint8Array(Math.ceil(chunk.byteLength / 4) * 4);
        padded.set(chunk);
        chunk = padded;
      }
      this.device.queue.writeBuffer(storage.buffer, off, chunk as Uint8Array<ArrayBuffer>);
    }
  }

  async read(storage: GpuStorage, dtype: DType, size: number): Promise<TypedArray> {
    this.checkUsable('read');
    this.checkLive('read', storage);
    const byteLength = size * bytesPerElement(dtype);
    const copyBytes = Math.max(4, Math.ceil(byteLength / 4) * 4);
    // the id error flag rides along with the data when a kernel checked ids since the last read
    const covered = this.idFlag.active ? this.idFlag.snapshot() : undefined;
    const mapBytes = copyBytes + (covered ? ID_FLAG_BYTES : 0);
    const staging = this.staging.acquire(mapBytes);
    this.batcher.copy(storage.buffer, 0, staging.buffer, 0, copyBytes);
    if (covered) this.batcher.copy(this.idFlag.buffer, 0, staging.buffer, copyBytes, ID_FLAG_BYTES);
    this.flush();
    try {
      const mapped = staging.buffer.mapAsync(GPUMapMode.READ, 0, mapBytes);
      const outcome = await Promise.race([mapped.then(() => 'mapped' as const), this.lostPromise]);
      if (outcome !== 'mapped') throw this.lostError('read');
    } catch (e) {
      if (DeviceLostError.isInstance(e)) throw e;
      if (this.lost) throw this.lostError('read');
      throw this.takeValidationError('read') ?? e;
    }
    const mappedRange = staging.buffer.getMappedRange(0, mapBytes);
    const copy = mappedRange.slice(0, byteLength);
    const flagWords = covered ? new Uint32Array(mappedRange.slice(copyBytes, mapBytes)) : undefined;
    staging.buffer.unmap();
    this.staging.release(staging);
    const error = this.takeValidationError('read');
    if (error) throw error;
    const idError = flagWords && this.idFlag.settle(flagWords, covered!, this.batcher);
    if (idError) throw idError;
    switch (dtype) {
      case 'f32':
        return new Float32Array(copy);
      case 'f16':
        return new Uint16Array(copy);
      case 'i32':
        return new Int32Array(copy);
      case 'u32':
        return new Uint32Array(copy);
      default:
        throw new DTypeError({
          operation: 'read',
          expected: 'f32, f16, i32 or u32',
          found: dtype,
          hint: 'WebGPU stores no other dtype; f64 exists on the CPU backend only',
        });
    }
  }

  run<K extends OpName>(op: K, args: OpArgs<K, GpuTensor>): void {
    this.checkUsable(op);
    for (const role of [args.inputs, args.outputs, args.inouts] as Array<Record<string, unknown>>) {
      for (const value of Object.values(role)) {
        const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
        for (const t of list as GpuTensor[]) {
          this.checkLive(op, t.storage);
          this.checkDType(op, t.dtype);
        }
      }
    }
    (this.kernels[op] as (a: OpArgs<K, GpuTensor>) => void)(args);
  }

  async sync(): Promise<void> {
    this.checkUsable('sync');
    if (this.idFlag.active) {
      // reading the flag back waits for the same work onSubmittedWorkDone would
      const covered = this.idFlag.snapshot();
      const staging = this.staging.acquire(ID_FLAG_BYTES);
      this.batcher.copy(this.idFlag.buffer, 0, staging.buffer, 0, ID_FLAG_BYTES);
      this.flush();
      const mapped = staging.buffer.mapAsync(GPUMapMode.READ, 0, ID_FLAG_BYTES).then(() => 'done' as const);
      const outcome = await Promise.race([mapped, this.lostPromise]);
      if (outcome !== 'done') throw this.lostError('sync');
      const words = new Uint32Array(staging.buffer.getMappedRange(0, ID_FLAG_BYTES).slice(0));
      staging.buffer.unmap();
      this.staging.release(staging);
      const error = this.takeValidationError('sync');
      if (error) throw error;
      const idError = this.idFlag.settle(words, covered, this.batcher);
      if (idError) throw idError;
      return;
    }
    this.flush();
    const outcome = await Promise.race([
      this.device.queue.onSubmittedWorkDone().then(() => 'done' as const),
      this.lostPromise,
    ]);
    if (outcome !== 'done') throw this.lostError('sync');
    const error = this.takeValidationError('sync');
    if (error) throw error;
  }

  /**
   * Checks i32 `ids` against `check` on the device (one dispatch, no read back): a bad id raises
   * `idError(check, ...)` from the next read or sync. See `Backend.checkIds`.
   */
  checkIds(ids: GpuTensor, check: IdCheck): void {
    this.checkUsable(check.operation);
    this.checkLive(check.operation, ids.storage);
    checkIdsKernel(this.kernelContext, ids, check);
  }

  memory(): BackendMemory {
    const s = this.pool.stats();
    return {
      liveBytes: s.liveBytes,
      pooledBytes: s.pooledBytes,
      liveBuffers: s.liveBuffers,
      pooledBuffers: s.pooledBuffers,
      peakLiveBytes: Math.max(this.peakLiveBytes, s.liveBytes),
    };
  }

  /** Submits recorded work without waiting (e.g. before a long host computation). */
  submit(): void {
    if (!this.isDisposed && !this.lost) this.flush();
  }

  dispose(): void {
    if (this.isDisposed) return;
    if (!this.lost) this.flush();
    this.isDisposed = true;
    this.pool.trim();
    this.staging.trim();
    this.batcher.destroy();
    this.idFlag.destroy();
    if (this.ownsDevice) this.device.destroy();
    // Let the GPU object go: Node does not exit while Dawn's instance is referenced.
    this.keepAlive = undefined;
  }
}

/**
 * Creates the WebGPU backend from a `GPU` object (`navigator.gpu` in browsers) or an existing device.
 * Requests the adapter's full limits and the optional features the kernels use (`shader-f16`, ...).
 *
 * @example
 * ```ts
 * const backend = await createWebGPUBackend({ gpu: navigator.gpu });
 * const s = backend.allocate('f32', 4);
 * backend.write(s, new Float32Array([1, 2, 3, 4]));
 * await backend.read(s, 'f32', 4); // Float32Array [1, 2, 3, 4]
 * ```
 */
export async function createWebGPUBackend(opts: WebGPUBackendOptions): Promise<WebGPUBackend> {
  const options = requireOptions('createWebGPUBackend', opts);
  if (options.device) {
    return new WebGPUBackend(options.device, {
      ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
      ownsDevice: options.ownsDevice ?? false,
      keepAlive: options.keepAlive ?? options.gpu,
    });
  }
  if (!options.gpu) {
    throw new BackendError({
      operation: 'createWebGPUBackend',
      expected: 'options.gpu (a GPU object) or options.device',
      found: 'neither',
      hint: 'pass { gpu: navigator.gpu } in a browser, or use createNodeBackend() from "@llmforge/tensor-gpu/node"',
    });
  }
  const { device } = await requestDevice(options.gpu, {
    ...(options.powerPreference ? { powerPreference: options.powerPreference } : {}),
    ...(options.featureLevel ? { featureLevel: options.featureLevel } : {}),
  });
  return new WebGPUBackend(device, {
    ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
    ownsDevice: options.ownsDevice ?? true,
    keepAlive: options.keepAlive ?? options.gpu,
  });
}
