// Encode throughput: ours vs the JS tiktoken-format encoders on >= 5 MB of prose and >= 5 MB of
// code, o200k_base and cl100k_base. Each encoder is warmed up, then timed on the whole text (best of
// `REPS` runs); the ids of every peer are compared with ours in the same run.
//
// Two clocks: wall time, and CPU time of this process (user + system, `process.cpuUsage`). Every
// encoder here is synchronous and single-threaded, so CPU time is the same work measured without
// the time the OS gave to other processes; on a busy machine it is the steadier of the two, and the
// ratios use it. Set BENCH_CLOCK=wall to base the ratios on wall time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer } from '../src/index.js';
import { code, prose } from './corpora.js';
import { type Encoding, loadPeers, sameIds } from './peers.js';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SIZE = Number(process.env.BENCH_CHARS ?? 5_200_000);

const CLOCK = process.env.BENCH_CLOCK === 'wall' ? 'wall' : 'cpu';

function time(fn: () => unknown): { ms: number; wall: number; cpu: number; out: unknown } {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let out: unknown;
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = fn();
    wall = Math.min(wall, performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  return { ms: CLOCK === 'cpu' ? cpu : wall, wall, cpu, out };
}

export async function benchEncode(): Promise<void> {
  const corpora = { prose: prose(SIZE), code: code(SIZE) };
  console.log(
    `encode throughput (best of ${REPS}), prose ${(corpora.prose.length / 1e6).toFixed(1)}M chars, code ${(corpora.code.length / 1e6).toFixed(1)}M chars; MB/s and ratios from ${CLOCK} time`,
  );
  console.log('| encoding | corpus | encoder | MB/s | cpu ms | wall ms | ids | ratio |');
  console.log('|---|---|---|---:|---:|---:|---|---:|');
  for (const encoding of ['o200k_base', 'cl100k_base'] as Encoding[]) {
    const ours = Tokenizer.fromTiktoken(readFileSync(join(dataDir, `${encoding}.tiktoken`)), { encoding });
    const peers = await loadPeers(encoding);
    for (const [corpus, text] of Object.entries(corpora)) {
      const mb = new TextEncoder().encode(text).length / 1e6;
      const warm = text.slice(0, 300_000);
      ours.encode(warm);
      const mine = time(() => ours.encode(text));
      const mineIds = mine.out as number[];
      const rows: [string, ReturnType<typeof time>, string][] = [['@llmforge/tokenizer', mine, 'reference']];
      for (const peer of peers) {
        peer.encode(warm);
        const r = time(() => peer.encode(text));
        rows.push([peer.name, r, sameIds(r.out as ArrayLike<number>, mineIds) ? 'identical' : 'DIFFER']);
      }
      const fastestPeer = Math.min(...rows.slice(1).map((r) => r[1].ms));
      for (const [name, r, ids] of rows) {
        const ratio =
          name === '@llmforge/tokenizer'
            ? `**${(fastestPeer / r.ms).toFixed(2)}× the fastest peer**`
            : `ours ${(r.ms / mine.ms).toFixed(2)}× faster`;
        console.log(
          `| ${encoding} | ${corpus} | ${name} | ${(mb / (r.ms / 1000)).toFixed(1)} | ${r.cpu.toFixed(0)} | ${r.wall.toFixed(0)} | ${ids} | ${ratio} |`,
        );
      }
    }
  }
}
