/**
 * The WebAssembly runtime of one CPU backend: the compiled kernel module (relaxed or plain SIMD), its
 * instance on the backend's arena, the thread pool, and the small helpers kernel wrappers use
 * (`ptr` of a tensor, float `consts`, per-thread `scratch`, `run` a kernel on enough threads).
 *
 * Which SIMD: relaxed SIMD (`f32x4.relaxed_madd`, a fused multiply-add on CPUs with FMA) when the
 * runtime validates it — Node ≥ 22 and current browsers by default, Node 20 only with
 * `--experimental-wasm-relaxed-simd` (or `createCpuBackend({ relaxedSimd: 'enable-flag' })`, which
 * sets that V8 flag process-wide before compiling) — else plain SIMD (mul + add). `info().simd`
 * says which ran. Both builds give results independent of the thread count; they differ from each
 * other in the last bits (a fused multiply-add rounds once).
 */
import type { TypedArray } from '../../backend/dtype.js';
import { BackendError } from '../../errors.js';
import type { WasmArena } from '../arena.js';
import { ThreadPool, type ThreadPoolStats } from '../threads/thread-pool.js';
import { PLAIN_KERNELS, RELAXED_KERNELS } from './kernels.generated.js';

/** How to choose between relaxed and plain SIMD. */
export type RelaxedSimdMode = 'auto' | 'off' | 'enable-flag';

/** Which kernels run. */
export type SimdKind = 'relaxed' | 'plain';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes base64 (no padding checks: the input is our own generated text). */
function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | B64.indexOf(clean[i]!);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let relaxedFlagSet = false;

/** Sets V8's `--experimental-wasm-relaxed-simd` (Node only; a process-wide switch). */
function enableRelaxedFlag(): void {
  if (relaxedFlagSet) return;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?: (f: string) => void } | undefined;
  v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  relaxedFlagSet = true;
}

const compiled = new Map<SimdKind, WebAssembly.Module | null>();

/** The compiled module of a variant, or null where it does not validate/compile here. */
function compile(kind: SimdKind): WebAssembly.Module | null {
  if (compiled.has(kind)) return compiled.get(kind)!;
  let module: WebAssembly.Module | null = null;
  try {
    const bytes = fromBase64(kind === 'relaxed' ? RELAXED_KERNELS : PLAIN_KERNELS);
    if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
  } catch {
    // no WebAssembly, or synchronous compilation refused (a browser's main thread): TypeScript kernels
    module = null;
  }
  compiled.set(kind, module);
  return module;
}

/** Options of {@link WasmRuntime.create}. */
export interface WasmRuntimeOptions {
  threads: number;
  relaxedSimd: RelaxedSimdMode;
  spinMs?: number;
  /** Work (ns on one thread) below which a kernel stays on the calling thread (default 40,000). */
  minParallelWork?: number;
}

type KernelFn = (...args: number[]) => void;

/**
 * The kernels of one backend, callable by name.
 *
 * @example
 * ```ts
 * const rt = WasmRuntime.create(arena, { threads: 2, relaxedSimd: 'auto' })!;
 * rt.run('unary', [10, rt.ptr(x), rt.ptr(y), x.length], x.length * 2); // GELU on x → y
 * ```
 */
export class WasmRuntime {
  private readonly fns: KernelFn[];
  private readonly index = new Map<string, number>();
  private readonly pool: ThreadPool;
  private readonly constsAt: number;
  private readonly intsAt: number;
  private scratchAt = -1;
  private scratchBytes = 0;
  private readonly minWork: number;

  private constructor(
    readonly simd: SimdKind,
    private readonly arena: WasmArena,
    module: WebAssembly.Module,
    options: WasmRuntimeOptions,
  ) {
    const instance = new WebAssembly.Instance(module, { env: { mem: arena.memory } });
    const names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    this.fns = names.map((n, i) => {
      this.index.set(n, i);
      return instance.exports[n] as KernelFn;
    });
    this.pool = new ThreadPool(module, arena.memory, this.fns, names, {
      threads: options.threads,
      slotSetter: 'set_thread_slot',
      ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
    });
    // slot 0, and the thread count from which kernels cut shrinking pieces (`common.wat`'s $part)
    (instance.exports.set_thread_slot as (slot: number, threads: number) => void)(0, this.pool.threads);
    this.constsAt = arena.allocate(256);
    this.intsAt = arena.allocate(256);
    this.minWork = options.minParallelWork ?? 40_000;
  }

  /** A runtime on `arena`, or null when no kernel module compiles here. */
  static create(arena: WasmArena, options: WasmRuntimeOptions): WasmRuntime | null {
    if (options.relaxedSimd === 'enable-flag') enableRelaxedFlag();
    const relaxed = options.relaxedSimd === 'off' ? null : compile('relaxed');
    const module = relaxed ?? compile('plain');
    if (!module) return null;
    return new WasmRuntime(relaxed ? 'relaxed' : 'plain', arena, module, options);
  }

  /** Threads the pool may use (configured). */
  get threads(): number {
    return this.pool.threads;
  }

  /** The thread pool's counters (jobs, pieces, wake-ups, join time). */
  threadStats(): ThreadPoolStats {
    return this.pool.stats();
  }

  /** Workers started and ready now. */
  get readyWorkers(): number {
    return this.pool.readyWorkers;
  }

  /** True when every storage lives in the arena (so the kernels can use them in place). */
  owns(...storages: TypedArray[]): boolean {
    for (const s of storages) if (!this.arena.owns(s.buffer)) return false;
    return true;
  }

  /** Byte offset of an arena storage. */
  ptr(storage: TypedArray): number {
    return storage.byteOffset;
  }

  /** Writes float constants (at most 64) for the next `run`, read by the kernel from memory; their pointer. */
  consts(values: readonly number[]): number {
    const c = new Float32Array(this.arena.buffer(), this.constsAt, values.length);
    for (let i = 0; i < values.length; i++) c[i] = values[i]!;
    return this.constsAt;
  }

  /** Writes i32 values (at most 64: shapes, strides) for the next `run`; their pointer. */
  ints(values: readonly number[]): number {
    const c = new Int32Array(this.arena.buffer(), this.intsAt, values.length);
    for (let i = 0; i < values.length; i++) c[i] = values[i]!;
    return this.intsAt;
  }

  /**
   * A scratch region of at least `bytes` (packing panels, per-thread rows), kept across calls; its
   * contents are not preserved. Taken from the arena directly, so it does not show in pool statistics.
   */
  scratch(bytes: number): number {
    if (this.scratchBytes < bytes) {
      if (this.scratchAt >= 0) this.arena.release(this.scratchAt, this.scratchBytes);
      this.scratchAt = this.arena.allocate(bytes);
      if (this.scratchAt < 0) {
        this.scratchBytes = 0;
        throw new BackendError({
          operation: 'scratch',
          expected: `${bytes} bytes of WebAssembly memory for kernel scratch`,
          found: 'a full arena',
          hint: 'free tensors, or create the backend with { wasm: false }',
        });
      }
      this.scratchBytes = bytes;
    }
    return this.scratchAt;
  }

  /** A float32 view of `n` values at byte offset `ptr` of the arena (tables a kernel reads from scratch). */
  f32View(ptr: number, n: number): Float32Array {
    return new Float32Array(this.arena.buffer(), ptr, n);
  }

  /** A float64 view of `n` values at byte offset `ptr` of the arena (partial sums a kernel wrote to scratch). */
  f64View(ptr: number, n: number): Float64Array {
    return new Float64Array(this.arena.buffer(), ptr, n);
  }

  /** A kernel that returns a number (sizes the kernels report, e.g. `gemm_scratch_bytes`). */
  query(name: string): number {
    return (this.fns[this.index.get(name)!] as unknown as () => number)();
  }

  /**
   * How many pieces a kernel of `work` (estimated nanoseconds on one thread) is cut into: 1 below
   * `minParallelWork` (it runs on the calling thread, no hand-off); else one per 20 µs of work, at
   * least one per thread and at most four per thread (more pieces balance better when a thread
   * starts late; each piece repeats a little set-up, e.g. the GEMM packs its panel of B).
   * `minParallelWork: 0` cuts every kernel into four pieces per thread (tests: the most a kernel
   * gets, so the shrinking pieces of `$part` run too).
   */
  partsFor(work: number): number {
    const n = this.pool.threads;
    if (n === 1 || work < this.minWork) return 1;
    if (this.minWork === 0) return 4 * n;
    return Math.min(4 * n, Math.max(n, Math.round(work / 20_000)));
  }

  /** Starts the workers and resolves once all are ready (rejects after `timeoutMs`). */
  async startWorkers(timeoutMs: number): Promise<void> {
    this.pool.start();
    const until = Date.now() + timeoutMs;
    while (this.pool.readyWorkers < this.pool.threads - 1) {
      if (Date.now() > until) {
        throw new BackendError({
          operation: 'ready',
          expected: `${this.pool.threads - 1} worker threads ready`,
          found: `${this.pool.readyWorkers} after ${timeoutMs} ms`,
          hint: 'the machine may be overloaded; pass a larger timeout or fewer threads',
        });
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /**
   * Runs kernel `name(...args, part, parts)` for every part, spread over the threads, and returns
   * when all are done. `parts` defaults to what `work` (estimated ns on one thread) deserves.
   */
  run(name: string, args: readonly number[], work: number, parts = this.partsFor(work)): void {
    this.pool.run([{ fn: this.index.get(name)!, args, parts }]);
  }

  /**
   * Runs several independent kernels as one job (one hand-off, one join): their pieces interleave
   * across the threads. None may read what another writes, and at most one may use `consts` /
   * `ints` (they share one block).
   */
  runAll(calls: readonly { name: string; args: readonly number[]; work: number }[]): void {
    this.pool.run(
      calls.map((c) => ({ fn: this.index.get(c.name)!, args: c.args, parts: this.partsFor(c.work) })),
    );
  }

  /** Terminates the workers. */
  dispose(): void {
    this.pool.dispose();
  }
}
