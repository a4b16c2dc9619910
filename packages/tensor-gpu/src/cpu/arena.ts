/**
 * The arena: one `WebAssembly.Memory` that holds every CPU tensor, so the WebAssembly kernels read
 * and write tensors where they live (no copy in, no copy out) and worker threads see the same bytes.
 *
 * - Shared (`shared: true`, backed by a SharedArrayBuffer) when the runtime allows it (Node; a
 *   cross-origin-isolated page): workers instantiate the kernels on this very memory. A shared
 *   memory never moves when it grows, so typed-array views handed out earlier stay valid.
 * - Otherwise there is no arena for storage: tensors live in ordinary ArrayBuffers and the kernels
 *   stage their operands through a scratch memory (see `wasm/runtime.ts`), one thread.
 *
 * The arena hands out 64-byte-aligned blocks: first fit from a list of released ranges (kept sorted
 * by address and merged with their neighbours, so any size can reuse them), else from the top, growing
 * the memory. The pool (`pool.ts`) sits in front of it with its size classes, so the arena is only
 * asked when a class's free list is empty or the pool releases what it keeps beyond its limit. A
 * WebAssembly memory cannot shrink: released ranges stay mapped for reuse.
 * wasm32 addresses 4 GiB: past that, `allocate` returns -1 and the pool falls back to ordinary
 * buffers (the kernels then use the TypeScript reference path for those tensors).
 *
 * Layout: bytes [0, 64) stay unused (so no tensor sits at address 0), then blocks in allocation order.
 */

const PAGE = 65536;
/** Alignment of every block: a cache line. */
export const ARENA_ALIGN = 64;

/** Largest memory we ask for, in 64 KiB pages: 4 GiB on 64-bit hosts, 1 GiB where that is refused. */
const MAX_PAGES = [65536, 16384] as const;

/** True when this runtime can create a shared WebAssembly memory (SharedArrayBuffer-backed). */
export function sharedMemorySupported(): boolean {
  if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; window?: unknown };
  // In a browser, SharedArrayBuffer exists only in cross-origin-isolated contexts.
  if (g.window !== undefined && g.crossOriginIsolated === false) return false;
  try {
    return (
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer
    );
  } catch {
    return false;
  }
}

/**
 * A growable shared WebAssembly memory with a bump allocator.
 *
 * @example
 * ```ts
 * const arena = WasmArena.create();
 * const at = arena!.allocate(1024); // byte offset, 64-byte aligned
 * new Float32Array(arena!.buffer(), at, 256).fill(1);
 * ```
 */
export class WasmArena {
  /** Every SharedArrayBuffer object `memory.buffer` has returned (a new one after each grow). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top = ARENA_ALIGN;
  /** Released ranges [offset, bytes], sorted by offset, never adjacent (merged on release). */
  private readonly spans: [number, number][] = [];
  private releasedBytes = 0;

  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly maxBytes: number,
  ) {
    this.buffers.add(memory.buffer);
  }

  /** A new arena, or null when this runtime has no shared WebAssembly memory. */
  static create(): WasmArena | null {
    if (!sharedMemorySupported()) return null;
    for (const maximum of MAX_PAGES) {
      try {
        const memory = new WebAssembly.Memory({ initial: 16, maximum, shared: true });
        return new WasmArena(memory, maximum * PAGE);
      } catch {
        // this host refused that much address space: try less
      }
    }
    return null;
  }

  /**
   * The memory's current buffer (covers every block allocated so far). The engine may hand out a new
   * SharedArrayBuffer object for the same memory (after a grow, or after instantiating a module on
   * it), so each one is remembered for `owns`.
   */
  buffer(): ArrayBuffer {
    const b = this.memory.buffer;
    this.buffers.add(b);
    return b as ArrayBuffer;
  }

  /** The arena's high-water mark: bytes below the top (handed out or released for reuse). */
  get usedBytes(): number {
    return this.top;
  }

  /** Bytes released and free for any later allocation. */
  get freeBytes(): number {
    return this.releasedBytes;
  }

  /** Bytes the memory currently spans. */
  get committedBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** True when `buffer` is this arena's memory (a view created before or after any grow). */
  owns(buffer: ArrayBufferLike): boolean {
    return this.buffers.has(buffer);
  }

  /** A block of `bytes` (rounded up to 64); its byte offset, or -1 when the arena is full. */
  allocate(bytes: number): number {
    const size = Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN;
    for (let i = 0; i < this.spans.length; i++) {
      const span = this.spans[i]!;
      if (span[1] < size) continue;
      const at = span[0];
      if (span[1] === size) this.spans.splice(i, 1);
      else {
        span[0] += size;
        span[1] -= size;
      }
      this.releasedBytes -= size;
      return at;
    }
    const at = this.top;
    const end = at + size;
    if (end > this.maxBytes) return -1;
    if (!this.ensure(end)) return -1;
    this.top = end;
    return at;
  }

  /** Gives back a block from `allocate(bytes)` for any later allocation to reuse. */
  release(at: number, bytes: number): void {
    const size = Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN;
    const spans = this.spans;
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid]![0] < at) lo = mid + 1;
      else hi = mid;
    }
    this.releasedBytes += size;
    const prev = spans[lo - 1];
    const next = spans[lo];
    if (prev && prev[0] + prev[1] === at) {
      prev[1] += size;
      if (next && prev[0] + prev[1] === next[0]) {
        prev[1] += next[1];
        spans.splice(lo, 1);
      }
    } else if (next && at + size === next[0]) {
      next[0] = at;
      next[1] += size;
    } else {
      spans.splice(lo, 0, [at, size]);
    }
  }

  /** Grows the memory to span `bytes` (by at least a quarter of its size, to grow rarely). */
  private ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const want = Math.max(bytes - have, Math.floor(have / 4));
    const pages = Math.min(Math.ceil(want / PAGE), this.maxBytes / PAGE - have / PAGE);
    try {
      this.memory.grow(Math.max(pages, Math.ceil((bytes - have) / PAGE)));
    } catch {
      return false;
    }
    this.buffers.add(this.memory.buffer);
    return true;
  }
}
