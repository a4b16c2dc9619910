/**
 * The CPU buffer pool: ArrayBuffers in size classes, reused across tensors so a training step
 * allocates nothing once warm.
 *
 * Size classes: 64 bytes minimum, powers of two up to 1 MiB, then 8 steps per doubling
 * (1 MiB, 1.125 MiB, 1.25 MiB, ...), so at most 12.5% of a large buffer is slack.
 * `classBytes(100)` → 128; `classBytes(1_200_000)` → 1_245_184 (1.1875 MiB).
 *
 * A storage handed out is a typed-array VIEW of exactly the requested length over a class-sized
 * ArrayBuffer; freeing returns the ArrayBuffer to its class's free list.
 */
import type { BackendMemory } from '../backend/backend.js';
import { bytesPerElement, type DType, type DTypeArrayMap, type TypedArray } from '../backend/dtype.js';
import { BackendError } from '../errors.js';

const MIB = 1 << 20;

/** The class (bytes) a request of `bytes` is served from. */
export function classBytes(bytes: number): number {
  if (bytes <= 64) return 64;
  if (bytes <= MIB) return 2 ** Math.ceil(Math.log2(bytes));
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 3);
  return Math.ceil(bytes / step) * step;
}

function view<D extends DType>(dtype: D, buffer: ArrayBuffer, size: number): DTypeArrayMap[D] {
  switch (dtype) {
    case 'f32':
      return new Float32Array(buffer, 0, size) as DTypeArrayMap[D];
    case 'f16':
      return new Uint16Array(buffer, 0, size) as DTypeArrayMap[D];
    case 'i32':
      return new Int32Array(buffer, 0, size) as DTypeArrayMap[D];
    case 'u32':
      return new Uint32Array(buffer, 0, size) as DTypeArrayMap[D];
    default:
      return new Float64Array(buffer, 0, size) as DTypeArrayMap[D];
  }
}

/**
 * A pool of ArrayBuffers by size class.
 *
 * @example
 * ```ts
 * const pool = new CpuPool();
 * const a = pool.allocate('f32', 10); // Float32Array(10) over a 64-byte buffer
 * pool.free(a);
 * pool.allocate('i32', 16) // reuses the same 64-byte buffer
 * ```
 */
export class CpuPool {
  /**
   * @param maxPooledBytes freed buffers beyond this many pooled bytes are dropped (left to the garbage
   * collector) instead of kept, so shapes that never recur cannot grow the pool without bound.
   */
  constructor(private readonly maxPooledBytes = 512 * MIB) {}

  private readonly freeLists = new Map<number, ArrayBuffer[]>();
  private readonly live = new Set<ArrayBuffer>();
  private liveBytes = 0;
  private pooledBytes = 0;
  private pooledBuffers = 0;
  private peakLiveBytes = 0;

  /** A view of `size` elements of `dtype` (contents undefined: reused buffers are not cleared). */
  allocate<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
    const bytes = classBytes(size * bytesPerElement(dtype));
    const list = this.freeLists.get(bytes);
    let buffer = list?.pop();
    if (buffer) {
      this.pooledBytes -= bytes;
      this.pooledBuffers--;
    } else {
      buffer = new ArrayBuffer(bytes);
    }
    this.live.add(buffer);
    this.liveBytes += bytes;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    return view(dtype, buffer, size);
  }

  /** Returns a storage's buffer to the pool. Double frees raise BackendError. */
  free(storage: TypedArray): void {
    const buffer = storage.buffer as ArrayBuffer;
    if (!this.live.delete(buffer)) {
      throw new BackendError({
        operation: 'free',
        expected: 'storage allocated by this CPU backend and not yet freed',
        found: `a ${storage.constructor.name} of ${storage.length} elements that is not live`,
        hint: 'a tensor was disposed twice, or its storage came from another backend',
      });
    }
    const bytes = buffer.byteLength;
    this.liveBytes -= bytes;
    if (this.pooledBytes + bytes > this.maxPooledBytes) return;
    let list = this.freeLists.get(bytes);
    if (!list) {
      list = [];
      this.freeLists.set(bytes, list);
    }
    list.push(buffer);
    this.pooledBytes += bytes;
    this.pooledBuffers++;
  }

  /** True when `storage` is a live allocation of this pool. */
  owns(storage: TypedArray): boolean {
    return this.live.has(storage.buffer as ArrayBuffer);
  }

  /** Drops every pooled (free) buffer so the garbage collector can take them. */
  trim(): void {
    this.freeLists.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
  }

  /** Live/pooled bytes and counts. */
  stats(): BackendMemory {
    return {
      liveBytes: this.liveBytes,
      pooledBytes: this.pooledBytes,
      liveBuffers: this.live.size,
      pooledBuffers: this.pooledBuffers,
      peakLiveBytes: this.peakLiveBytes,
    };
  }
}
