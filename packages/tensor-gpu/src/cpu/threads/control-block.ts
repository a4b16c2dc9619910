/**
 * The control block the coordinating thread and the kernel workers share: a small Int32Array over a
 * SharedArrayBuffer. Work is handed out and joined through `Atomics` on it, never `postMessage`
 * (whose latency is tens of microseconds per message; a futex wake is a few, a spinning worker
 * sees a new job in well under one).
 *
 * A job is one or more kernel calls (entries), each cut into `parts` pieces that any thread may run
 * (the kernel computes piece `part` of `parts`, whatever thread runs it). The pieces of a job are
 * numbered by tickets `BASE .. BASE + TOTAL − 1` of a counter that only grows: a thread takes the
 * next ticket with a compare-and-swap on NEXT, runs that piece, and counts it in DONE. So a worker
 * that is asleep, or descheduled by the OS, delays nobody: the coordinator takes the pieces it has
 * not taken, and the join only waits for pieces already running.
 *
 * ```text
 * int32 index   meaning                                                       cache line
 * 0  GEN        job generation: bumped (last) by the coordinator to publish    0 (written once per job,
 * 1  JOB        generation the description belongs to (written first)            read by the workers)
 * 2  QUIT       1: workers leave their loop
 * 3  COUNT      number of entries in the job
 * 4  BASE       first ticket of the job
 * 5  TOTAL      number of tickets (Σ parts over the entries)
 * 16..111       ENTRIES: per entry [fn, parts, nargs, arg0 .. arg(nargs−1)]   1–6
 * 112 NEXT      next ticket to take (compare-and-swap)                         7
 * 128 DONE      tickets finished (the join waits for BASE + TOTAL)             8
 * 144 READY     workers that have instantiated the module                      9
 * 145 FAILED    1 when a kernel trapped in a worker (raised after the join)
 * 160 JOINING   1 while the coordinator sleeps waiting for DONE                10
 * 176 + tid     SLEEP: 1 while worker tid sleeps in Atomics.wait (else it spins) 11–14
 * ```
 *
 * The counters every thread writes for every piece (NEXT, DONE) sit on their own 64-byte cache
 * lines, apart from the description the workers read, so taking a ticket does not invalidate the
 * line a worker is reading the job from.
 *
 * A wake-up (`Atomics.notify`) is a system call, so each side notifies only when the other has said
 * it sleeps. No wake-up is lost: a thread sets its flag, then waits only if the value it waits on is
 * still the old one (`Atomics.wait` checks atomically), and the other side writes that value before
 * it reads the flag.
 *
 * Publishing: store JOB = g, the description, then GEN = g (+ notify). A worker reads GEN, the
 * description, then JOB, and trusts the description only when JOB equals what it read from GEN
 * (with sequentially consistent Atomics, a description half-overwritten by the next job would show
 * the next JOB value). A worker holding an old description cannot run a piece of a newer job: it
 * takes a ticket only while NEXT < its job's BASE + TOTAL, and every newer job's tickets start at or
 * after that. Tickets wrap around at 2³² and are compared modulo it. Every access goes through
 * `Atomics`, so memory a kernel wrote before its DONE increment is visible to the coordinator after
 * it reads that DONE.
 */

export const GEN = 0;
export const JOB = 1;
export const QUIT = 2;
export const COUNT = 3;
export const BASE = 4;
export const TOTAL = 5;
export const ENTRIES = 16;
/** Int32 words for the entries of one job. */
export const ENTRY_WORDS = 96;
export const NEXT = 112;
export const DONE = 128;
export const READY = 144;
export const FAILED = 145;
export const JOINING = 160;
export const SLEEP = 176;
/** Int32 words of the error text a worker leaves for the coordinator (length, then code units). */
export const ERROR_TEXT_WORDS = 257;
/** Most threads a pool runs (coordinator included). */
export const MAX_THREADS = 64;

/** A new control block (zeroed). */
export function createControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer((SLEEP + MAX_THREADS) * 4));
}

/** The slot indices, as handed to a worker (its source cannot import this module). */
export const CONTROL_LAYOUT = {
  GEN,
  JOB,
  QUIT,
  COUNT,
  BASE,
  TOTAL,
  ENTRIES,
  NEXT,
  DONE,
  READY,
  FAILED,
  JOINING,
  SLEEP,
} as const;

/** The layout type. */
export type ControlLayout = typeof CONTROL_LAYOUT;
