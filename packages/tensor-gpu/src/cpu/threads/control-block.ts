/**
 * The control block the coordinating thread and the kernel workers share: a small Int32Array over a
 * SharedArrayBuffer. Work is handed out and joined through `Atomics` on it, never `postMessage`
 * (whose latency is tens of microseconds per message; a futex wake is a few, a spinning worker
 * sees a new job in well under one).
 *
 * ```text
 * int32 index   meaning
 * 0  GEN        job generation: bumped (last) by the coordinator to publish a job; workers wait on it
 * 1  FN         index of the kernel in the module's export list
 * 2  THREADS    n: threads taking part in this job (tid 0 is the coordinator, 1..n−1 workers)
 * 3  NARGS      number of i32 arguments in ARGS
 * 4  QUIT       1: workers leave their loop
 * 5  READY      workers that have instantiated the module (and may take jobs)
 * 6  JOB        generation the job description belongs to (written first: see below)
 * 7  FAILED     1 when a worker's kernel threw (a trap); the coordinator raises it after the join
 * 8..39  ARGS   the kernel's i32 arguments (pointers, sizes; floats travel in memory)
 * 64..   ACK    ACK + tid: the last generation worker tid finished
 * 128..  SLEEP  SLEEP + tid: 1 while worker tid sleeps in Atomics.wait (else it spins)
 * 192    JOINING 1 while the coordinator sleeps waiting for an ACK
 * ```
 *
 * A wake-up (`Atomics.notify`) is a system call, so each side notifies only when the other has
 * said it sleeps. No wake-up is lost: a thread sets its flag, then waits only if the value it
 * waits on is still the old one (`Atomics.wait` checks atomically), and the other side writes that
 * value before it reads the flag.
 *
 * Publishing a job: store JOB = g, then FN/THREADS/NARGS/ARGS, then GEN = g (+ notify). A worker
 * reads GEN, the description, then JOB, and only trusts the description when JOB equals what it
 * read from GEN: with sequentially consistent Atomics, a description half-overwritten by the next
 * job would show the next JOB value. Joining: the coordinator waits until ACK + t = g for every
 * worker t < n. Every access goes through `Atomics`, so plain memory written by a kernel before its
 * ACK store is visible to the coordinator after it reads that ACK.
 */

export const GEN = 0;
export const FN = 1;
export const THREADS = 2;
export const NARGS = 3;
export const QUIT = 4;
export const READY = 5;
export const JOB = 6;
export const FAILED = 7;
export const ARGS = 8;
/** Most i32 arguments a kernel takes. */
export const MAX_ARGS = 32;
export const ACK = 64;
/** Most threads a pool runs (coordinator included). */
export const MAX_THREADS = 64;
export const SLEEP = ACK + MAX_THREADS;
export const JOINING = SLEEP + MAX_THREADS;

/** A new control block (zeroed). */
export function createControlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer((JOINING + 1) * 4));
}
