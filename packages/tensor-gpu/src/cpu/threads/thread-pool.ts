/**
 * The kernel thread pool: `threads − 1` workers (Node `worker_threads`, or Web Workers in a
 * cross-origin-isolated page), each with its own instance of the kernel module on the backend's
 * shared memory. The calling thread (the coordinator) takes part in every job.
 *
 * `run(entries)` publishes a job on the control block (`control-block.ts`): one or more kernel calls,
 * each cut into `parts` pieces. Every thread, the coordinator included, takes pieces one at a time
 * (a compare-and-swap on a ticket counter) until none is left, then the coordinator waits for the
 * pieces still running elsewhere (spinning briefly, then `Atomics.wait` where the thread may block;
 * a browser's main thread only spins). A worker that is asleep or descheduled when a job arrives
 * therefore costs nothing but the pieces it does not take: the coordinator takes them. Every kernel's
 * result is independent of how its work is cut and of which thread runs which piece (see
 * `docs/cpu-kernels.md`), so that changes timings only, never results.
 *
 * Workers start lazily, on the first job of more than one piece, and join as they become ready.
 * They are `unref`'d (they never keep a Node process alive) and `dispose()` terminates them.
 */
import { BackendError } from '../../errors.js';
import {
  BASE,
  CONTROL_LAYOUT,
  COUNT,
  createControlBlock,
  DONE,
  ENTRIES,
  ENTRY_WORDS,
  ERROR_TEXT_WORDS,
  FAILED,
  GEN,
  JOB,
  JOINING,
  MAX_THREADS,
  QUIT,
  READY,
  SLEEP,
  TOTAL,
} from './control-block.js';
import { type JobView, runPieces, type WorkerData, workerMain } from './worker-main.js';

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
  /** How long idle workers spin before sleeping, and the coordinator before it sleeps in a join, ms (default 1). */
  spinMs?: number;
  /** Export of the module that sets an instance's thread slot (its per-thread scratch) and the pool's thread count: `(slot, threads)`. */
  slotSetter: string;
}

/** What a pool has done since it was created (see {@link ThreadPool.stats}). */
export interface ThreadPoolStats {
  /** Jobs handed to the workers (kernels cut into more than one piece). */
  jobs: number;
  /** Pieces of those jobs, and how many of them the calling thread ran itself. */
  pieces: number;
  piecesOnCaller: number;
  /** Jobs that had to wake a sleeping worker (a futex wake: a system call). */
  wakeups: number;
  /** Milliseconds the calling thread spent waiting for pieces running on workers. */
  joinMs: number;
}

/** One kernel call of a job: kernel `fn` runs `fn(...args, part, parts)` for part = 0 .. parts − 1. */
export interface PoolEntry {
  fn: number;
  args: readonly number[];
  parts: number;
}

/**
 * A pool of kernel workers over one shared memory.
 *
 * @example
 * ```ts
 * const pool = new ThreadPool(module, memory, exportsOf(instance), names, { threads: 2, slotSetter: 'set_thread_slot' });
 * pool.run([{ fn: names.indexOf('scale'), args: [ptr, n], parts: 8 }]); // scale(ptr, n, part, 8) for part 0..7
 * pool.dispose();
 * ```
 */
export class ThreadPool {
  readonly threads: number;
  private readonly control = createControlBlock();
  /** A worker's kernel error, as text (see `WorkerData.errorText`). */
  private readonly errorText = new Int32Array(new SharedArrayBuffer(ERROR_TEXT_WORDS * 4));
  /** Why a worker stopped, when one did (its `error` event). */
  private workerStopped: string | undefined;
  private readonly workers: WorkerLike[] = [];
  private started = false;
  private disposed = false;
  private gen = 0;
  /** The next job's first ticket (= NEXT = DONE between jobs). */
  private ticket = 0;
  private readonly block = canBlock();
  private readonly spinMs: number;
  private readonly job: JobView = { base: 0, total: 0, count: 0, fn: [], parts: [], args: [] };
  private readonly counters: ThreadPoolStats = {
    jobs: 0,
    pieces: 0,
    piecesOnCaller: 0,
    wakeups: 0,
    joinMs: 0,
  };

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly local: readonly KernelFn[],
    private readonly names: readonly string[],
    private readonly options: ThreadPoolOptions,
  ) {
    this.threads = Math.max(1, Math.min(MAX_THREADS, Math.floor(options.threads)));
    this.spinMs = options.spinMs ?? 1;
  }

  /** Workers that are ready to take pieces now. */
  get readyWorkers(): number {
    return Atomics.load(this.control, READY);
  }

  /** Counters since the pool was created (a copy). */
  stats(): ThreadPoolStats {
    return { ...this.counters };
  }

  /** Starts the workers (idempotent; they become ready asynchronously). */
  start(): void {
    if (this.started || this.disposed || this.threads === 1) return;
    this.started = true;
    const source = `(${workerMain.toString()})`;
    const pieces = `(${runPieces.toString()})`;
    const node = nodeWorkerThreads();
    for (let tid = 1; tid < this.threads; tid++) {
      const data: WorkerData = {
        module: this.module,
        memory: this.memory,
        control: this.control.buffer as SharedArrayBuffer,
        tid,
        names: [...this.names],
        slotSetter: this.options.slotSetter,
        threads: this.threads,
        layout: CONTROL_LAYOUT,
        spinMs: this.spinMs,
        errorText: this.errorText.buffer as SharedArrayBuffer,
      };
      if (node) {
        const w = new node.Worker(`${source}(require('node:worker_threads').workerData, ${pieces});`, {
          eval: true,
          workerData: data,
        });
        w.unref();
        // A worker that dies outside a kernel (it cannot, short of running out of memory) leaves its
        // pieces to the other threads; keep the process from crashing on the event.
        w.on('error', (e) => {
          this.workerStopped = `worker ${tid} stopped: ${String(e)}`;
          Atomics.store(this.control, FAILED, 1);
        });
        this.workers.push(w);
      } else {
        const g = globalThis as unknown as {
          Worker: new (url: string) => WorkerLike & { postMessage(d: unknown): void };
          Blob: new (parts: string[], o: { type: string }) => Blob;
          URL: { createObjectURL(b: Blob): string };
        };
        const url = g.URL.createObjectURL(
          new g.Blob([`onmessage = (e) => ${source}(e.data, ${pieces});`], { type: 'text/javascript' }),
        );
        const w = new g.Worker(url);
        w.postMessage(data);
        this.workers.push(w);
      }
    }
  }

  /**
   * Runs a job: every entry's kernel on each of its parts, pieces spread over the threads; returns
   * when every piece is done. The entries must be independent of each other (no entry reads what
   * another writes): their pieces run in any order, concurrently.
   */
  run(entries: readonly PoolEntry[]): void {
    if (this.disposed) {
      throw new BackendError({
        operation: 'thread pool',
        expected: 'a live pool',
        found: 'a disposed one',
        hint: 'create a new backend',
      });
    }
    let total = 0;
    let words = 0;
    for (const e of entries) {
      total += e.parts;
      words += 3 + e.args.length;
    }
    if (words > ENTRY_WORDS) {
      throw new BackendError({
        operation: this.names[entries[0]?.fn ?? -1] ?? 'thread pool',
        expected: `at most ${ENTRY_WORDS} words of job description (3 + arguments per entry)`,
        found: `${words} in ${entries.length} entries`,
        hint: 'run the entries as separate jobs',
      });
    }
    if (this.threads === 1 || total <= 1) {
      for (const e of entries) {
        const f = this.local[e.fn]!;
        for (let part = 0; part < e.parts; part++) f(...e.args, part, e.parts);
      }
      return;
    }
    if (!this.started) this.start();
    const ctl = this.control;
    const job = this.job;
    const g = ++this.gen;
    const base = this.ticket;
    Atomics.store(ctl, JOB, g);
    Atomics.store(ctl, COUNT, entries.length);
    Atomics.store(ctl, BASE, base);
    Atomics.store(ctl, TOTAL, total);
    job.base = base;
    job.total = total;
    job.count = entries.length;
    let w = ENTRIES;
    entries.forEach((e, i) => {
      Atomics.store(ctl, w, e.fn);
      Atomics.store(ctl, w + 1, e.parts);
      Atomics.store(ctl, w + 2, e.args.length);
      for (let a = 0; a < e.args.length; a++) Atomics.store(ctl, w + 3 + a, e.args[a]!);
      w += 3 + e.args.length;
      job.fn[i] = e.fn;
      job.parts[i] = e.parts;
      const args = job.args[i] ?? [];
      job.args[i] = args;
      args.length = 0;
      args.push(...e.args, 0, e.parts);
    });
    job.error = undefined;
    Atomics.store(ctl, GEN, g);
    const c = this.counters;
    for (let t = 1; t < this.threads; t++) {
      if (Atomics.load(ctl, SLEEP + t) !== 0) {
        Atomics.notify(ctl, GEN);
        c.wakeups++;
        break;
      }
    }
    c.piecesOnCaller += runPieces(ctl, CONTROL_LAYOUT, this.local as KernelFn[], job);
    c.jobs++;
    c.pieces += total;
    const end = (base + total) | 0;
    this.join(end);
    this.ticket = end;
    const error = job.error;
    if (Atomics.load(ctl, FAILED) !== 0) {
      Atomics.store(ctl, FAILED, 0);
      const inWorker = this.takeErrorText() ?? this.workerStopped;
      throw new BackendError({
        operation: this.names[entries[0]!.fn] ?? 'kernel',
        expected: 'every piece of the kernel to finish',
        found: error ? `a trap: ${String(error)}` : `a trap in a worker (${inWorker ?? 'no message'})`,
        hint: 'this is a bug in a CPU kernel; run with createCpuBackend({ threads: 1 }) to see the trap',
      });
    }
  }

  /** The error text a worker left (and clears it), or undefined. */
  private takeErrorText(): string | undefined {
    const n = Atomics.load(this.errorText, 0);
    if (n <= 0) return undefined;
    let text = '';
    for (let i = 0; i < n; i++) text += String.fromCharCode(Atomics.load(this.errorText, i + 1));
    Atomics.store(this.errorText, 0, 0);
    return text;
  }

  /** Waits until DONE reaches `end`: the pieces other threads took are finished. */
  private join(end: number): void {
    const ctl = this.control;
    if (Atomics.load(ctl, DONE) === end) return;
    const t0 = performance.now();
    const until = t0 + this.spinMs;
    let spins = 0;
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done === end) {
        this.counters.joinMs += performance.now() - t0;
        return;
      }
      if (this.block && (++spins & 255) === 0 && performance.now() > until) {
        Atomics.store(ctl, JOINING, 1);
        Atomics.wait(ctl, DONE, done, 50);
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
