/**
 * `pnpm bench cpu-step-loop -- [--threads N] [--steps S] [--spin-ms MS] [--min-work NS] [--relaxed]`: runs the baby GPT's training step in a
 * loop and prints the median wall time and CPU time per step (`process.cpuUsage()`: every thread of
 * the process), the CPU time of each busy thread (Linux: /proc/self/task), and what the worker
 * threads did (`backend.threadStats()`: hand-offs, pieces, wake-ups, time the caller waited). CPU
 * time next to wall time tells a loaded machine (wall ≫ CPU / threads) from a slow kernel. A
 * profiling harness too: `node --cpu-prof --conditions=@llmforge/source --import tsx bench/run.ts
 * cpu-step-loop` writes one profile per thread, workers included.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createCpuBackend } from '../src/index.js';
import { BABY, trainer } from './cpu-train-step.js';

/** CPU ticks (user + system, 1/100 s) of every thread of this process, by thread id. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, Number(f[11]) + Number(f[12]));
    }
  } catch {
    // not Linux
  }
  return out;
}

export async function run(args: readonly string[] = []): Promise<void> {
  const opt = (name: string, dflt: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const threads = opt('--threads', 2);
  const steps = opt('--steps', 20);
  const spin = opt('--spin-ms', Number.NaN);
  const minWork = opt('--min-work', Number.NaN);
  const backend = createCpuBackend({
    threads,
    ...(args.includes('--relaxed') ? { relaxedSimd: 'enable-flag' as const } : {}),
    ...(Number.isNaN(spin) ? {} : { spinMs: spin }),
    ...(Number.isNaN(minWork) ? {} : { minParallelWork: minWork }),
  });
  await backend.ready();
  const baby = trainer(BABY, 12, 64, backend);
  const step = () => baby.step();
  for (let i = 0; i < 3; i++) step();
  const walls: number[] = [];
  const cpus: number[] = [];
  const t0 = threadTicks();
  const s0 = backend.threadStats();
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    step();
    walls.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const t1 = threadTicks();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const busy = [...t1]
    .map(([tid, v]) => [tid, (v - (t0.get(tid) ?? 0)) * 10] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1]);
  console.log(
    `threads ${threads} (${backend.info().simd} SIMD): wall median ${med(walls).toFixed(1)} ms (min ${Math.min(...walls).toFixed(1)}), cpu median ${med(cpus).toFixed(1)} ms per step; load ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(`  cpu ms per thread over ${steps} steps: ${busy.map(([t, ms]) => `${t}:${ms}`).join(' ')}`);
  const s1 = backend.threadStats();
  if (threads > 1) {
    const per = (k: 'jobs' | 'pieces' | 'piecesOnCaller' | 'wakeups' | 'joinMs') => (s1[k] - s0[k]) / steps;
    console.log(
      `  per step: ${per('jobs').toFixed(0)} hand-offs, ${per('pieces').toFixed(0)} pieces (${((1 - per('piecesOnCaller') / per('pieces')) * 100).toFixed(0)}% run by workers), ${per('wakeups').toFixed(0)} wake-ups, ${per('joinMs').toFixed(1)} ms waiting for workers`,
    );
  }
  baby.dispose();
  backend.dispose();
}
