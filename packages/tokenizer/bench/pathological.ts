// Pathological inputs: long runs that make naive BPE quadratic (one 100,000-character piece) and
// regexes backtrack. Ours must stay linear: each input is timed at full size, then at 1/4 and 1/2
// size on different text (so the piece cache of the first run does not help), and the growth is
// printed. Peers are run with a budget: from 1,000 characters the size doubles until one
// call takes over 250 ms (the next could take 4× that if the peer is quadratic); the largest size
// measured is printed with its time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer } from '../src/index.js';
import { prose } from './corpora.js';
import { type Encoding, loadPeers, sameIds } from './peers.js';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data');

/** One call, timed in CPU time of this process (see encode.ts; BENCH_CLOCK=wall for wall time). */
function once(fn: () => unknown): { ms: number; out: unknown } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms: process.env.BENCH_CLOCK === 'wall' ? wall : (c.user + c.system) / 1000, out };
}

export async function benchPathological(): Promise<void> {
  // 2.9 MB of prose without whitespace: the full-size run and the two smaller runs use disjoint parts.
  const noSpaces = prose(3_500_000).replace(/\s+/g, '');
  const inputs: [string, (n: number, part: number) => string, number][] = [
    ["'a' × n", (n) => 'a'.repeat(n), 100_000],
    ["' ' × n", (n) => ' '.repeat(n), 100_000],
    ["'\\n' × n", (n) => '\n'.repeat(n), 100_000],
    ["'1' × n", (n) => '1'.repeat(n), 100_000],
    ["'.' × n", (n) => '.'.repeat(n), 100_000],
    ["'🙂' × n/2", (n) => '🙂'.repeat(n / 2), 100_000],
    [
      'Austen without whitespace',
      (n, part) => noSpaces.slice(part * 1_000_000, part * 1_000_000 + n),
      1_000_000,
    ],
  ];
  console.log(
    '| encoding | input | chars | ours ms | ours ms at n/4, n/2 | peers (ms at the largest size run) |',
  );
  console.log('|---|---|---:|---:|---|---|');
  for (const encoding of ['o200k_base', 'cl100k_base'] as Encoding[]) {
    const ours = Tokenizer.fromTiktoken(readFileSync(join(dataDir, `${encoding}.tiktoken`)), { encoding });
    const peers = await loadPeers(encoding);
    for (const [name, make, n] of inputs) {
      const full = make(n, 0);
      ours.encode(make(1000, 2).slice(-1000)); // warm the code paths, not the cache of this input
      const mine = once(() => ours.encode(full));
      const quarter = once(() => ours.encode(make(n / 4, 1))).ms;
      const half = once(() => ours.encode(make(n / 2, 2))).ms;
      const peerCells: string[] = [];
      for (const peer of peers) {
        let size = Math.min(n, 1000);
        let cell = '';
        for (;;) {
          const input = make(size, 0);
          const r = once(() => peer.encode(input));
          const same =
            size === n ? (sameIds(r.out as ArrayLike<number>, mine.out as number[]) ? '' : ' DIFFER') : '';
          cell = `${peer.name} ${r.ms.toFixed(0)} ms${size < n ? ` at ${size} chars (stopped: budget)` : ''}${same}`;
          if (size >= n || r.ms > 250) break;
          size = Math.min(n, size * 2);
        }
        peerCells.push(cell);
      }
      console.log(
        `| ${encoding} | ${name} | ${full.length} | ${mine.ms.toFixed(1)} | ${quarter.toFixed(1)}, ${half.toFixed(1)} | ${peerCells.join('; ')} |`,
      );
    }
  }
}
