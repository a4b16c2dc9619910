/// <reference types="@webgpu/types" />
/**
 * GPU storage-buffer pool with size classes.
 *
 * Creating and destroying `GPUBuffer`s is expensive (a driver allocation each), and a training step
 * allocates and frees the same shapes every iteration. So freed buffers are kept in per-size-class
 * free lists and handed out again. A request is rounded up to its size class:
 *
 *   - below 256 bytes: 256 (one class for all tiny tensors: scalars, shape params);
 *   - above: 4 steps per power of two, e.g. 1000 → 1024, 1100 → 1280, 1300 → 1536, 1600 → 1792,
 *     so at most 25% is wasted (tfjs rounds the same way).
 *
 * Every buffer has usage STORAGE | COPY_SRC | COPY_DST so any tensor can be a kernel input, output,
 * upload target or readback source.
 *
 * @example
 * ```ts
 * const pool = new BufferPool(device);
 * const b = pool.acquire(1000); // a 1024-byte buffer
 * pool.release(b);               // back to the free list; pool.acquire(900) returns it again
 * pool.stats();                  // { liveBytes: 0, pooledBytes: 1024, ... }
 * ```
 */
export interface PooledBuffer {
  /** The underlying GPU buffer; its size is the size class, at least the requested bytes. */
  readonly buffer: GPUBuffer;
  /** The size class (bytes) this buffer belongs to. */
  readonly size: number;
}

/** Memory figures of a {@link BufferPool}. */
export interface BufferPoolStats {
  /** Bytes held by buffers currently handed out. */
  liveBytes: number;
  /** Buffers currently handed out. */
  liveBuffers: number;
  /** Bytes held by free buffers waiting for reuse. */
  pooledBytes: number;
  /** Free buffers waiting for reuse. */
  pooledBuffers: number;
  /** Number of `createBuffer` calls so far (a pool hit does not count). */
  created: number;
}

const MIN_CLASS = 256;

/**
 * The size class of a request: 256 for anything up to 256 bytes, otherwise rounded up to one of four
 * steps per power of two (`2^k`, `1.25·2^k`, `1.5·2^k`, `1.75·2^k`).
 *
 * @example
 * ```ts
 * sizeClass(3);    // 256
 * sizeClass(1100); // 1280
 * sizeClass(4096); // 4096
 * ```
 */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  if (pow === bytes) return bytes;
  const step = pow / 4;
  return Math.ceil(bytes / step) * step;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private liveBytes = 0;
  private liveBuffers = 0;
  private pooledBytes = 0;
  private pooledBuffers = 0;
  private created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE |
      GPUBufferUsage.COPY_SRC |
      GPUBufferUsage.COPY_DST,
    private readonly label = 'llmforge-tensor',
  ) {}

  /** Hands out a buffer of at least `bytes` bytes (its size class), from the free list when possible. */
  acquire(bytes: number): PooledBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.pooledBytes -= size;
      this.pooledBuffers -= 1;
    } else {
      buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}-${size}` });
      this.created += 1;
    }
    this.liveBytes += size;
    this.liveBuffers += 1;
    return { buffer, size };
  }

  /** Returns a buffer to its free list; it may be handed out again by the next `acquire`. */
  release(b: PooledBuffer): void {
    this.liveBytes -= b.size;
    this.liveBuffers -= 1;
    let list = this.free.get(b.size);
    if (!list) {
      list = [];
      this.free.set(b.size, list);
    }
    list.push(b.buffer);
    this.pooledBytes += b.size;
    this.pooledBuffers += 1;
  }

  /** Destroys every free buffer (live ones are untouched); returns the bytes given back. */
  trim(): number {
    const freed = this.pooledBytes;
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.pooledBytes = 0;
    this.pooledBuffers = 0;
    return freed;
  }

  stats(): BufferPoolStats {
    return {
      liveBytes: this.liveBytes,
      liveBuffers: this.liveBuffers,
      pooledBytes: this.pooledBytes,
      pooledBuffers: this.pooledBuffers,
      created: this.created,
    };
  }
}
