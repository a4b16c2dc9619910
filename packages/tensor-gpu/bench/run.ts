/**
 * Benchmark dispatcher: `pnpm bench` (= `tsx bench/run.ts`) runs the `cpu` group;
 * `tsx bench/run.ts cpu-matmul cpu-threads` runs the named benches; `tsx bench/run.ts all` runs all;
 * arguments after `--` go to the benches (`pnpm bench cpu-train-step -- baby --threads 2`).
 *
 * Each bench is a module exporting `run(): Promise<void>` that measures us and a peer in the same
 * process and prints the ratio. Benches are timed scripts, never tests.
 */

import { cpus, loadavg } from 'node:os';

type Bench = () => Promise<{ run: (args?: readonly string[]) => Promise<void> }>;

/** Every bench by name. */
const BENCHES: Record<string, Bench> = {
  // --- CPU benches (G4) ---
  'cpu-matmul': () => import('./cpu-matmul.js'),
  'cpu-threads': () => import('./cpu-threads.js'),
  'cpu-kernels': () => import('./cpu-kernels.js'),
  'cpu-mlp': () => import('./cpu-mlp.js'),
  'cpu-train-step': () => import('./cpu-train-step.js'),
  'cpu-step-loop': () => import('./cpu-step-loop.js'),
  'simd-peak': () => import('./simd-peak.js'),
  'cpu-clip': () => import('./cpu-clip.js'),
  'nn-optim-io': () => import('./nn-optim-io.js'),
  // --- GPU benches (G2): add entries here ---
  'gpu-matmul': () => import('./gpu-matmul.js'),
};

/** Named groups of benches. */
const GROUPS: Record<string, string[]> = {
  cpu: ['cpu-matmul', 'cpu-mlp', 'cpu-kernels', 'cpu-threads', 'nn-optim-io'],
  // --- GPU groups (G2): add entries here ---
  gpu: ['gpu-matmul'],
};

async function main(): Promise<void> {
  // `tsx bench/run.ts cpu-train-step -- baby --threads 2`: what follows `--` goes to the bench
  const all = process.argv.slice(2);
  const dd = all.indexOf('--');
  const args = dd >= 0 ? all.slice(0, dd) : all;
  const benchArgs = dd >= 0 ? all.slice(dd + 1) : [];
  const requested = args.length === 0 ? ['cpu'] : args;
  const names: string[] = [];
  for (const arg of requested) {
    if (arg === 'all') names.push(...Object.keys(BENCHES));
    else if (GROUPS[arg]) names.push(...GROUPS[arg]);
    else if (BENCHES[arg]) names.push(arg);
    else {
      const known = [...Object.keys(GROUPS), ...Object.keys(BENCHES), 'all'].join(', ');
      console.error(`bench: expected one of ${known}, found "${arg}"`);
      process.exitCode = 1;
      return;
    }
  }
  // Timings on a shared machine mean little without the load they were taken under.
  const [one] = loadavg();
  console.log(
    `node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), load average ${one?.toFixed(2)}`,
  );
  for (const name of [...new Set(names)]) {
    console.log(`\n=== ${name} ===`);
    const mod = await BENCHES[name]!();
    await mod.run(benchArgs);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
