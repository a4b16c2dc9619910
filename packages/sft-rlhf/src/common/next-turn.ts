/**
 * One turn of the event loop. A training step on the CPU backend awaits only promises that are
 * already resolved (microtasks), so without a macrotask between steps a timer, a Ctrl-C handler or
 * anything else that would abort the `signal` never runs until the whole loop has finished. Every
 * trainer awaits this once per step, before it reads `signal.aborted`; it costs well under a
 * millisecond against steps of tens of milliseconds.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
