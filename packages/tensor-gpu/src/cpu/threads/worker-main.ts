/**
 * What a kernel worker runs. This function is sent to the worker as source text
 * (`workerMain.toString()`), so it must be self-contained: no imports, no closure over this module;
 * everything it needs arrives in `data`.
 *
 * The loop: wait for the control block's generation to change (spinning for `spinMs` first, then
 * sleeping in `Atomics.wait`), read the job, run this thread's share of the kernel
 * (`fn(...args, tid, n)`: each kernel splits its own work by `tid` and `n`), store the generation
 * into this thread's ACK slot and wake the coordinator.
 */

/** What the coordinator hands a worker when it starts it. */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  tid: number;
  /** Export names, indexed by the control block's FN. */
  names: string[];
  /** The control block's slot indices (`control-block.ts`). */
  layout: {
    GEN: number;
    FN: number;
    THREADS: number;
    NARGS: number;
    QUIT: number;
    READY: number;
    JOB: number;
    FAILED: number;
    ARGS: number;
    ACK: number;
    SLEEP: number;
    JOINING: number;
  };
  /** How long an idle worker spins before it sleeps, in milliseconds. */
  spinMs: number;
}

export function workerMain(data: WorkerData): void {
  const { layout: L, tid, spinMs } = data;
  const ctl = new Int32Array(data.control);
  const instance = new WebAssembly.Instance(data.module, { env: { mem: data.memory } });
  const fns = data.names.map((n) => instance.exports[n] as (...args: number[]) => void);
  const args: number[] = [];
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
    const fn = Atomics.load(ctl, L.FN);
    const n = Atomics.load(ctl, L.THREADS);
    const nargs = Atomics.load(ctl, L.NARGS);
    args.length = 0;
    for (let i = 0; i < nargs; i++) args.push(Atomics.load(ctl, L.ARGS + i));
    if (Atomics.load(ctl, L.JOB) !== gen) continue; // the next job is being written: read it again
    seen = gen;
    if (tid >= n) continue;
    try {
      args.push(tid, n);
      fns[fn]!(...args);
    } catch (error) {
      Atomics.store(ctl, L.FAILED, 1);
      Atomics.store(ctl, L.ACK + tid, gen);
      Atomics.notify(ctl, L.ACK + tid);
      throw error;
    }
    Atomics.store(ctl, L.ACK + tid, gen);
    if (Atomics.load(ctl, L.JOINING) !== 0) Atomics.notify(ctl, L.ACK + tid);
  }
}
