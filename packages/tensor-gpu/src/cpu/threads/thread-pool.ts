/**
 * The kernel thread pool: `threads − 1` workers (Node `worker_threads`, or Web Workers in a
 * cross-origin-isolated page), each with its own instance of the kernel module on the backend's
 * shared memory. The calling thread is thread 0 and does its share of every job.
 *
 * `run(fn, args, n)` publishes a job on the control block (`control-block.ts`), runs share 0 here,
 * then waits for the other n − 1 shares (spinning briefly, then `Atomics.wait` where the thread may
 * block; a browser's main thread only spins). Workers start lazily, on the first job that asks for
 * more than one thread, and join as they become ready: until then jobs run on fewer threads. Since
 * every kernel's result is independent of how its work is split (see `wasm/README` in
 * `docs/cpu-kernels.md`), that changes timings only, never results.
 *
 * Workers are `unref`'d (they never keep a Node process alive) and `dispose()` terminates them.
 */
import { BackendError } from '../../errors.js';
import {
  ACK,
  ARGS,
  createControlBlock,
  FAILED,
  FN,
  GEN,
  JOB,
  JOINING,
  MAX_ARGS,
  MAX_THREADS,
  NARGS,
  QUIT,
  READY,
  SLEEP,
  THREADS,
} from './control-block.js';
import { type WorkerData, workerMain } from './worker-main.js';

/** The piece of a worker both Node's and the browser's have. */
interface WorkerLike {
  terminate(): unknown;
}

type KernelFn = (...args: number[]) => void;

interface NodeWorkerThreads {
  Worker: new (
    src: string,
    options: { eval: true; workerData: unknown },
  ) => WorkerLike & { unref(): void; on(event: string, f: (e: unknown) => void): void };
}

/** `node:worker_threads` when this is Node (synchronously, via `process.getBuiltinModule`), else null. */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
  return mod ?? null;
}

/** True when this thread may block in `Atomics.wait` (not a browser page's main thread). */
function canBlock(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return g.window === undefined && g.document === undefined;
}

/**
 * How many threads this machine offers: `os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in a browser, 1 when unknown.
 */
export function defaultThreadCount(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  const n =
    os?.availableParallelism?.() ??
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(n ?? 1)));
}

/** True when worker threads can be started here (Node, or a cross-origin-isolated page). */
export function threadsSupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (nodeWorkerThreads()) return true;
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean; Blob?: unknown; URL?: unknown };
  return typeof g.Worker === 'function' && g.crossOriginIsolated === true && typeof g.Blob === 'function';
}

/** Options of a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** Threads including the caller's (1 = no workers). */
  threads: number;
  /** How long idle workers spin before sleeping, ms (default 0.2). */
  spinMs?: number;
}

/**
 * A pool of kernel workers over one shared memory.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(module, memory, exportsOf(instance), names, { threads: 2 });
 * pool.run(names.indexOf('scale'), [ptr, n], 2); // both threads run scale(ptr, n, tid, 2)
 * pool.dispose();
 * ```
 */
export class ThreadPool {
  readonly threads: number;
  private readonly control = createControlBlock();
  private readonly workers: WorkerLike[] = [];
  private started = false;
  private disposed = false;
  private gen = 0;
  private readonly block = canBlock();
  private readonly spinMs: number;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly local: readonly KernelFn[],
    private readonly names: readonly string[],
    options: ThreadPoolOptions,
  ) {
    this.threads = Math.max(1, Math.min(MAX_THREADS, Math.floor(options.threads)));
    this.spinMs = options.spinMs ?? 0.2;
  }

  /** Workers that are ready to take jobs now. */
  get readyWorkers(): number {
    return Atomics.load(this.control, READY);
  }

  /** Threads a job can use right now: the caller plus the ready workers, at most `threads`. */
  available(): number {
    if (this.threads === 1) return 1;
    if (!this.started) this.start();
    return Math.min(this.threads, 1 + this.readyWorkers);
  }

  /** Starts the workers (idempotent; they become ready asynchronously). */
  start(): void {
    if (this.started || this.disposed || this.threads === 1) return;
    this.started = true;
    const layout = { GEN, FN, THREADS, NARGS, QUIT, READY, JOB, FAILED, ARGS, ACK, SLEEP, JOINING };
    const source = `(${workerMain.toString()})`;
    const node = nodeWorkerThreads();
    for (let tid = 1; tid < this.threads; tid++) {
      const data: WorkerData = {
        module: this.module,
        memory: this.memory,
        control: this.control.buffer as SharedArrayBuffer,
        tid,
        names: [...this.names],
        layout,
        spinMs: this.spinMs,
      };
      if (node) {
        const w = new node.Worker(`${source}(require('node:worker_threads').workerData);`, {
          eval: true,
          workerData: data,
        });
        w.unref();
        // A worker that dies outside a kernel (it cannot, short of running out of memory) is
        // reported by FAILED only if it was in a job; keep the process from crashing on the event.
        w.on('error', () => Atomics.store(this.control, FAILED, 1));
        this.workers.push(w);
      } else {
        const g = globalThis as unknown as {
          Worker: new (url: string) => WorkerLike & { postMessage(d: unknown): void };
          Blob: new (parts: string[], o: { type: string }) => Blob;
          URL: { createObjectURL(b: Blob): string };
        };
        const url = g.URL.createObjectURL(
          new g.Blob([`onmessage = (e) => ${source}(e.data);`], { type: 'text/javascript' }),
        );
        const w = new g.Worker(url);
        w.postMessage(data);
        this.workers.push(w);
      }
    }
  }

  /**
   * Runs kernel `fn` with `args` on `n` threads (n ≤ `available()`); returns when every share is done.
   * Each thread calls `fn(...args, tid, n)`.
   */
  run(fn: number, args: readonly number[], n: number): void {
    if (this.disposed) {
      throw new BackendError({
        operation: 'thread pool',
        expected: 'a live pool',
        found: 'a disposed one',
        hint: 'create a new backend',
      });
    }
    const f = this.local[fn]!;
    if (n <= 1) {
      f(...args, 0, 1);
      return;
    }
    const ctl = this.control;
    const g = ++this.gen;
    Atomics.store(ctl, JOB, g);
    Atomics.store(ctl, FN, fn);
    Atomics.store(ctl, THREADS, n);
    Atomics.store(ctl, NARGS, args.length);
    for (let i = 0; i < args.length && i < MAX_ARGS; i++) Atomics.store(ctl, ARGS + i, args[i]!);
    Atomics.store(ctl, GEN, g);
    for (let t = 1; t < n; t++) {
      if (Atomics.load(ctl, SLEEP + t) !== 0) {
        Atomics.notify(ctl, GEN);
        break;
      }
    }
    try {
      f(...args, 0, n);
    } finally {
      for (let t = 1; t < n; t++) this.join(t, g);
    }
    if (Atomics.load(ctl, FAILED) !== 0) {
      Atomics.store(ctl, FAILED, 0);
      throw new BackendError({
        operation: this.names[fn] ?? 'kernel',
        expected: 'every worker thread to finish its share',
        found: 'a worker whose kernel trapped',
        hint: 'this is a bug in a CPU kernel; run with createCpuBackend({ threads: 1 }) to see the trap',
      });
    }
  }

  private join(t: number, g: number): void {
    const ctl = this.control;
    const slot = ACK + t;
    let spins = 0;
    for (;;) {
      const seen = Atomics.load(ctl, slot);
      if (seen === g) return;
      if (++spins > 2000 && this.block) {
        Atomics.store(ctl, JOINING, 1);
        Atomics.wait(ctl, slot, seen, 50);
        Atomics.store(ctl, JOINING, 0);
      }
    }
  }

  /** Stops and terminates every worker. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Atomics.store(this.control, QUIT, 1);
    Atomics.add(this.control, GEN, 1);
    Atomics.notify(this.control, GEN);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
