/** Timing helpers shared by the benches: median of several runs after a warm-up. */

/**
 * Median milliseconds of up to `reps` runs of `fn` after `warmup` runs. Slow peers get fewer runs: the
 * count shrinks so the timed runs take about `budgetMs` in all (at least one run).
 */
export async function timeMs(
  fn: () => unknown | Promise<unknown>,
  reps: number,
  warmup = 1,
  budgetMs = 5000,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  let count = reps;
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
    if (i === 0) count = Math.max(1, Math.min(reps, Math.floor(budgetMs / Math.max(times[0]!, 1e-3))));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** A fixed-width table printer. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** Uniform random float32 values in [-1, 1) from a fixed seed (mulberry32). */
export function randomF32(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
