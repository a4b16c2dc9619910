/**
 * Corpus preparation on a large input, in a child process: peak resident memory against the input
 * size, and throughput in MB/s. `pnpm bench` runs it at 10 MB and at 200 MB: flat memory means the
 * two peaks are close (the baseline is Node, the TypeScript loader, the modules and the tokenizer). The input is a synthetic JSONL corpus of `mb` megabytes built from
 * Austen's paragraphs (each document 8 paragraphs drawn with a seeded generator), with 2% exact
 * copies and 2% near copies (a few words changed) mixed in, so every stage has work to do.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { RandomGenerator } from '@llmforge/tensor-gpu';
import { trainTokenizer } from '@llmforge/tokenizer';
import { saveTokenizer } from '@llmforge/tokenizer/node';

const here = fileURLToPath(new URL('.', import.meta.url));

async function writeCorpus(path: string, mb: number, paragraphs: string[]): Promise<number> {
  const gen = new RandomGenerator(7);
  const out = createWriteStream(path);
  let bytes = 0;
  let previous = '';
  while (bytes < mb * 1e6) {
    const roll = gen.uniform();
    let text: string;
    if (roll < 0.02 && previous)
      text = previous; // exact copy
    else if (roll < 0.04 && previous) {
      const words = previous.split(' ');
      for (let k = 0; k < 3; k++) words[gen.int(words.length)] = 'changed';
      text = words.join(' '); // near copy
    } else text = Array.from({ length: 8 }, () => paragraphs[gen.int(paragraphs.length)]).join('\n\n');
    previous = text;
    const line = `${JSON.stringify({ text })}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  return bytes;
}

/** Prepares a corpus of `mb` MB in a child process and prints its speed and peak RSS. */
export async function prepareMemoryBench(dir: string, mb: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const text = gunzipSync(
    readFileSync(join(here, '..', '..', '..', 'apps', 'demo', 'data', 'austen.txt.gz')),
  ).toString('utf8');
  const paragraphs = text.split(/\n\s*\n/).filter((p) => p.length > 200);
  const corpus = join(dir, 'corpus.jsonl');
  const bytes = await writeCorpus(corpus, mb, paragraphs);
  const tok = await trainTokenizer(
    { model: 'bpe', vocabSize: 2048, specialTokens: ['<|endoftext|>'] },
    text.slice(0, 2_000_000),
  );
  await saveTokenizer(tok, join(dir, 'tokenizer.json'));
  const config = join(dir, 'prepare.json');
  writeFileSync(
    config,
    JSON.stringify({ inputs: [corpus], outDir: join(dir, 'data'), tokenizer: join(dir, 'tokenizer.json') }),
  );
  console.log(
    `\n== prepare: ${(bytes / 1e6).toFixed(0)} MB JSONL (load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})`,
  );
  const r = spawnSync(
    process.execPath,
    ['--conditions=@llmforge/source', '--import', 'tsx', join(here, 'prepare-child.ts'), config],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (r.status !== 0) throw new Error(`prepare child failed: ${r.stdout}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!);
  const outBytes = statSync(join(dir, 'data', 'dataset.json')).size;
  console.log(
    `input ${(bytes / 1e6).toFixed(0)} MB → ${res.tokens} tokens in ${res.seconds.toFixed(1)} s: ${res.mbPerSecond.toFixed(2)} MB/s, peak RSS ${res.peakRssMB.toFixed(0)} MB (${(((res.peakRssMB * 1.048576) / (bytes / 1e6)) * 100).toFixed(0)}% of the input); exact dups ${res.counts.exactDuplicates.documents}, near dups ${res.counts.nearDuplicates.documents}, kept ${res.counts.kept} (sidecar ${outBytes} bytes)`,
  );
}
