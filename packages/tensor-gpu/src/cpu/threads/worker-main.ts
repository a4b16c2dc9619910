/**
 * What a kernel worker runs, and the piece loop every thread (workers and the coordinator) runs a
 * job with. Both functions are sent to the worker as source text (`toString()`), so they must be
 * self-contained: no imports, no closure over this module; everything they need arrives as
 * arguments.
 *
 * The worker loop: wait for the control block's generation to change (spinning for `spinMs` first,
 * then sleeping in `Atomics.wait`), read the job, take and run pieces of it until none is left
 * (`runPieces`), and wait again.
 */
import type { ControlLayout } from './control-block.js';

type KernelFn = (...args: number[]) => void;

/** A job as read from the control block: its tickets and entries (reused from job to job). */
export interface JobView {
  base: number;
  total: number;
  count: number;
  fn: number[];
  parts: number[];
  /** Per entry, the kernel's arguments followed by two slots for (part, parts). */
  args: number[][];
  /** The first error a kernel threw on this thread during the job. */
  error?: unknown;
  /**
   * Called with a kernel's error before its piece is counted done (a worker writes it where the
   * coordinator reads it after the join; see `ERROR_TEXT_WORDS`).
   */
  report?: (error: unknown) => void;
}

/** What the coordinator hands a worker when it starts it. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  tid: number;
  /** Export names, indexed by an entry's fn. */
  names: string[];
  /** Export that sets the instance's thread slot (which per-thread scratch its kernels use) and the pool's thread count: `(slot, threads)`. */
  slotSetter: string;
  /** Threads of the pool, the coordinator included. */
  threads: number;
  /** The control block's slot indices (`control-block.ts`). */
  layout: ControlLayout;
  /** How long an idle worker spins before it sleeps, in milliseconds. */
  spinMs: number;
  /** Where a worker writes the first kernel error of a job: [length, UTF-16 code units...]. */
  errorText: SharedArrayBuffer;
}

/**
 * Takes tickets of `job` and runs their pieces until every ticket is taken; returns how many this
 * thread ran. A ticket t is piece t − base of the job: entry e's pieces follow entry e − 1's. A
 * kernel that throws flags FAILED and its error is kept in `job.error` (the first one); every taken
 * piece is counted in DONE, thrown or not, and the thread that finishes the job's last piece wakes
 * a coordinator sleeping in its join.
 */
export function runPieces(ctl: Int32Array, L: ControlLayout, fns: KernelFn[], job: JobView): number {
  const end = (job.base + job.total) | 0;
  let ran = 0;
  for (;;) {
    const t = Atomics.load(ctl, L.NEXT);
    if (((t - end) | 0) >= 0) return ran;
    if (Atomics.compareExchange(ctl, L.NEXT, t, (t + 1) | 0) !== t) continue;
    let piece = (t - job.base) | 0;
    let e = 0;
    while (piece >= job.parts[e]!) piece -= job.parts[e++]!;
    const args = job.args[e]!;
    args[args.length - 2] = piece;
    try {
      fns[job.fn[e]!]!(...args);
    } catch (err) {
      job.report?.(err);
      Atomics.store(ctl, L.FAILED, 1);
      job.error ??= err;
    }
    ran++;
    if (((Atomics.add(ctl, L.DONE, 1) + 1) | 0) === end && Atomics.load(ctl, L.JOINING) !== 0) {
      Atomics.notify(ctl, L.DONE);
    }
  }
}

/** The worker's loop (see the file comment); `pieces` is {@link runPieces}, passed as source too. */
export function workerMain(data: WorkerData, pieces: typeof runPieces): void {
  const { layout: L, tid, spinMs } = data;
  const ctl = new Int32Array(data.control);
  const instance = new WebAssembly.Instance(data.module, { env: { mem: data.memory } });
  (instance.exports[data.slotSetter] as (slot: number, threads: number) => void)(tid, data.threads);
  const fns = data.names.map((n) => instance.exports[n] as KernelFn);
  const job: JobView = { base: 0, total: 0, count: 0, fn: [], parts: [], args: [] };
  const text = new Int32Array(data.errorText);
  job.report = (err) => {
    // the first error wins; the coordinator reads it after the join and clears the length
    const message = `worker ${tid}: ${String(err)}`.slice(0, text.length - 1);
    if (Atomics.compareExchange(text, 0, 0, -1) !== 0) return;
    for (let i = 0; i < message.length; i++) Atomics.store(text, i + 1, message.charCodeAt(i));
    Atomics.store(text, 0, message.length);
  };
  let seen = Atomics.load(ctl, L.GEN);
  Atomics.add(ctl, L.READY, 1);
  Atomics.notify(ctl, L.READY);
  for (;;) {
    // Wait for a new generation: spin a little (jobs come in bursts), then sleep.
    if (Atomics.load(ctl, L.GEN) === seen) {
      const until = performance.now() + spinMs;
      let spins = 0;
      while (Atomics.load(ctl, L.GEN) === seen) {
        if ((++spins & 255) === 0 && performance.now() > until) {
          Atomics.store(ctl, L.SLEEP + tid, 1);
          Atomics.wait(ctl, L.GEN, seen);
          Atomics.store(ctl, L.SLEEP + tid, 0);
        }
      }
    }
    const gen = Atomics.load(ctl, L.GEN);
    if (Atomics.load(ctl, L.QUIT) !== 0) return;
    // The caller may already be writing the next job while this reads (a seqlock: JOB is checked
    // after the reads). Values read then can be torn, so a count or an argument count that would
    // reach past the control block means "read again", never an out-of-range Atomics index.
    job.count = Atomics.load(ctl, L.COUNT);
    job.base = Atomics.load(ctl, L.BASE);
    job.total = Atomics.load(ctl, L.TOTAL);
    let w = L.ENTRIES;
    let torn = job.count < 0;
    for (let e = 0; e < job.count && !torn; e++) {
      if (w + 3 > ctl.length) {
        torn = true;
        break;
      }
      job.fn[e] = Atomics.load(ctl, w);
      job.parts[e] = Atomics.load(ctl, w + 1);
      const nargs = Atomics.load(ctl, w + 2);
      if (nargs < 0 || w + 3 + nargs > ctl.length) {
        torn = true;
        break;
      }
      const args = job.args[e] ?? [];
      job.args[e] = args;
      args.length = 0;
      for (let i = 0; i < nargs; i++) args.push(Atomics.load(ctl, w + 3 + i));
      args.push(0, job.parts[e]!);
      w += 3 + nargs;
    }
    if (torn || Atomics.load(ctl, L.JOB) !== gen) continue; // the next job is being written: read it again
    seen = gen;
    pieces(ctl, L, fns, job);
  }
}
