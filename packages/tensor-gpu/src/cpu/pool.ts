/**
 * The CPU buffer pool: storage in size classes, reused across tensors so a training step allocates
 * nothing once warm.
 *
 * Size classes: 64 bytes minimum, powers of two up to 1 MiB, then 8 steps per doubling
 * (1 MiB, 1.125 MiB, 1.25 MiB, ...), so at most 12.5% of a large buffer is slack.
 * `classBytes(100)` → 128; `classBytes(1_200_000)` → 1_245_184 (1.1875 MiB).
 *
 * Where the storage comes from:
 * - with an arena (`arena.ts`, a shared WebAssembly memory), a block of the arena: a storage is a
 *   typed-array VIEW of exactly the requested length at the block's byte offset, so WebAssembly
 *   kernels and worker threads use it in place;
 * - without one (or once the arena is full: wasm32 stops at 4 GiB), a class-sized ArrayBuffer.
 *
 * Freed blocks go back to their class's free list, up to `maxPooledBytes`; beyond that, and on
 * `trim`, arena blocks are released to the arena (reusable by any size) and ArrayBuffers are dropped
 * for the garbage collector.
 *
 * `stats()` counts every allocation and how many were served from the free lists, so a test can
 * check that a training loop allocates nothing new once warm.
 */
import type { BackendMemory } from '../backend/backend.js';
import { bytesPerElement, type DType, type DTypeArrayMap, type TypedArray } from '../backend/dtype.js';
import { BackendError } from '../errors.js';
import type { WasmArena } from './arena.js';

const MIB = 1 << 20;

/** The class (bytes) a request of `bytes` is served from. */
export function classBytes(bytes: number): number {
  if (bytes <= 64) return 64;
  if (bytes <= MIB) return 2 ** Math.ceil(Math.log2(bytes));
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 3);
  return Math.ceil(bytes / step) * step;
}

function view<D extends DType>(
  dtype: D,
  buffer: ArrayBufferLike,
  at: number,
  size: number,
): DTypeArrayMap[D] {
  switch (dtype) {
    case 'f32':
      return new Float32Array(buffer, at, size) as DTypeArrayMap[D];
    case 'f16':
      return new Uint16Array(buffer, at, size) as DTypeArrayMap[D];
    case 'i32':
      return new Int32Array(buffer, at, size) as DTypeArrayMap[D];
    case 'u32':
      return new Uint32Array(buffer, at, size) as DTypeArrayMap[D];
    default:
      return new Float64Array(buffer, at, size) as DTypeArrayMap[D];
  }
}

/** What the pool has done since it was created (`CpuBackend.poolStats()`). */
export interface CpuPoolStats extends BackendMemory {
  /** Storages handed out so far. */
  allocations: number;
  /** Of those, how many reused a freed block (the rest were new memory). */
  reused: number;
  /** The arena's high-water mark in bytes (0 without an arena). */
  arenaBytes: number;
  /** Live storages outside the arena (no arena here, or the arena was full). */
  liveOutsideArena: number;
}

/** A block: an arena byte offset, or an ArrayBuffer of its own. */
type Block = number | ArrayBuffer;

/**
 * A pool of storage blocks by size class.
 *
 * @example
 * ```ts
 * const pool = new CpuPool();
 * const a = pool.allocate('f32', 10); // Float32Array(10) over a 64-byte block
 * pool.free(a);
 * pool.allocate('i32', 16) // reuses the same 64-byte block
 * ```
 */
export class CpuPool {
  /**
   * @param maxPooledBytes freed ArrayBuffers beyond this many pooled bytes are dropped (left to the
   * garbage collector) instead of kept, so shapes that never recur cannot grow the pool without
   * bound. Arena blocks are always kept (the arena cannot give memory back).
   * @param arena where storages live when present.
   */
  constructor(
    private readonly maxPooledBytes = 512 * MIB,
    private readonly arena: WasmArena | null = null,
  ) {}

  private readonly freeLists = new Map<number, Block[]>();
  /** Live blocks: arena offset or ArrayBuffer → class bytes. */
  private readonly live = new Map<Block, number>();
  private liveBytes = 0;
  private pooledBytes = 0;
  private pooledBuffers = 0;
  private peakLiveBytes = 0;
  private allocations = 0;
  private reused = 0;
  private outside = 0;

  /** A view of `size` elements of `dtype` (contents undefined: reused blocks are not cleared). */
  allocate<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
    const bytes = classBytes(size * bytesPerElement(dtype));
    this.allocations++;
    let block = this.freeLists.get(bytes)?.pop();
    if (block !== undefined) {
      this.reused++;
      this.pooledBytes -= bytes;
      this.pooledBuffers--;
    } else {
      const at = this.arena ? this.arena.allocate(bytes) : -1;
      block = at >= 0 ? at : new ArrayBuffer(bytes);
    }
    this.live.set(block, bytes);
    if (typeof block !== 'number') this.outside++;
    this.liveBytes += bytes;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
    return typeof block === 'number'
      ? view(dtype, this.arena!.buffer(), block, size)
      : view(dtype, block, 0, size);
  }

  private blockOf(storage: TypedArray): Block {
    return this.arena?.owns(storage.buffer) ? storage.byteOffset : (storage.buffer as ArrayBuffer);
  }

  /** Returns a storage's block to the pool. Double frees raise BackendError. */
  free(storage: TypedArray): void {
    const block = this.blockOf(storage);
    const bytes = this.live.get(block);
    if (bytes === undefined) {
      throw new BackendError({
        operation: 'free',
        expected: 'storage allocated by this CPU backend and not yet freed',
        found: `a ${storage.constructor.name} of ${storage.length} elements that is not live`,
        hint: 'a tensor was disposed twice, or its storage came from another backend',
      });
    }
    this.live.delete(block);
    this.liveBytes -= bytes;
    if (typeof block !== 'number') this.outside--;
    if (this.pooledBytes + bytes > this.maxPooledBytes) {
      if (typeof block === 'number') this.arena!.release(block, bytes);
      return;
    }
    let list = this.freeLists.get(bytes);
    if (!list) {
      list = [];
      this.freeLists.set(bytes, list);
    }
    list.push(block);
    this.pooledBytes += bytes;
    this.pooledBuffers++;
  }

  /** True when `storage` is a live allocation of this pool. */
  owns(storage: TypedArray): boolean {
    return this.live.has(this.blockOf(storage));
  }

  /** Empties the free lists: arena blocks go back to the arena, ArrayBuffers to the garbage collector. */
  trim(): void {
    for (const [bytes, list] of this.freeLists) {
      for (const b of list) if (typeof b === 'number') this.arena!.release(b, bytes);
    }
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

  /** `stats()` plus allocation counters and the arena's size. */
  poolStats(): CpuPoolStats {
    return {
      ...this.stats(),
      allocations: this.allocations,
      reused: this.reused,
      arenaBytes: this.arena?.usedBytes ?? 0,
      liveOutsideArena: this.outside,
    };
  }
}
