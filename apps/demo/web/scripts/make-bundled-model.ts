/**
 * Makes the small model the page ships with (`web/public/models/austen-tiny/`): a byte-level BPE
 * tokenizer and a tiny GPT-2 trained on the demo's Austen corpus, with the repository's own tools:
 *
 *   data/austen.txt.gz ─► @llmforge/tokenizer trainTokenizer (BPE, 1,024 ids, GPT-2 split)
 *                      ─► @llmforge/trainer prepareCorpus (paragraphs as documents, 5% held out, shards)
 *                      ─► @llmforge/trainer train (AdamW, warmup + cosine, clip 1.0, CPU backend)
 *                      ─► tokenizer.json + config.json + model.safetensors (Hugging Face layout)
 *
 * The model is sized to stay under 2 MB as float32 safetensors (about 446k parameters: 3 layers,
 * width 96, 4 heads, 128 positions, tied embeddings), so it can be committed with the page.
 *
 * Run from the repository root (about 15–25 minutes on 2 CPU cores):
 *   npx tsx --conditions=@llmforge/source apps/demo/web/scripts/make-bundled-model.ts [--steps N] [--out DIR]
 * It prints the validation loss and writes `model-card.json` beside the files (how it was made).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { createCpuBackend } from '@llmforge/tensor-gpu';
import { trainTokenizer } from '@llmforge/tokenizer';
import { saveTokenizer } from '@llmforge/tokenizer/node';
import { prepareCorpus, train } from '@llmforge/trainer/node';
import { countParams, type ModelConfigInput } from '@llmforge/transformer';

const here = new URL('.', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1500' },
    out: { type: 'string', default: join(here, '../public/models/austen-tiny') },
    threads: { type: 'string', default: '2' },
  },
});
const steps = Number(values.steps);
const outDir = values.out!;

const model: ModelConfigInput = {
  vocabSize: 1024,
  contextLength: 128,
  nLayer: 3,
  nHead: 4,
  nEmbd: 96,
  norm: 'layernorm',
  activation: 'gelu_tanh',
  positions: 'learned',
  tiedEmbeddings: true,
  bias: true,
};

const work = await mkdtemp(join(tmpdir(), 'llmforge-bundled-'));
try {
  const corpus = gunzipSync(await readFile(join(here, '../../data/austen.txt.gz'))).toString('utf8');
  const corpusFile = join(work, 'austen.txt');
  await writeFile(corpusFile, corpus);

  console.log(
    `1/3 tokenizer: byte-level BPE, ${model.vocabSize} ids, on ${(corpus.length / 1e6).toFixed(2)}M characters`,
  );
  const tokenizer = await trainTokenizer(
    { model: 'bpe', vocabSize: model.vocabSize!, pattern: 'gpt2', specialTokens: ['<|endoftext|>'] },
    corpus,
  );
  const tokenizerFile = join(work, 'tokenizer.json');
  await saveTokenizer(tokenizer, tokenizerFile);

  console.log('2/3 corpus: paragraphs as documents, 5% held out, token shards');
  const dataDir = join(work, 'data');
  const report = await prepareCorpus({
    inputs: [{ path: corpusFile, separator: '\n\n' }],
    outDir: dataDir,
    tokenizer: tokenizerFile,
  });
  console.log(`  ${report.seconds.toFixed(1)} s`);

  console.log(`3/3 train: ${countParams(model)} parameters, ${steps} steps on the CPU backend`);
  const runDir = join(work, 'run');
  const result = await train(
    {
      outDir: runDir,
      data: { dir: dataDir },
      model,
      steps,
      batchSize: 16,
      optimizer: { lr: 2e-3, weightDecay: 0.1 },
      schedule: { type: 'cosine', warmupSteps: Math.min(50, Math.floor(steps / 10)) },
      eval: { every: Math.max(1, Math.floor(steps / 5)), batches: 20 },
      checkpoint: { keepLast: 1, keepBest: false },
      seed: 1337,
      log: { progress: 'lines', every: 50 },
    },
    { backend: createCpuBackend({ threads: Number(values.threads) }) },
  );
  console.log(
    `  val loss ${result.valLoss.toFixed(3)}, ${result.valBpb?.toFixed(3)} bits/byte, ${result.seconds.toFixed(0)} s`,
  );

  await mkdir(outDir, { recursive: true });
  for (const f of ['tokenizer.json', 'config.json', 'model.safetensors']) {
    await copyFile(join(result.checkpoint, f), join(outDir, f));
  }
  const card = {
    name: 'austen-tiny',
    made_by: 'apps/demo/web/scripts/make-bundled-model.ts',
    corpus: 'apps/demo/data/austen.txt.gz (Jane Austen, six novels, public domain)',
    tokenizer: { model: 'byte-level BPE', vocab_size: model.vocabSize, pattern: 'gpt2' },
    model: { ...model, parameters: countParams(model) },
    training: { steps, batch_size: 16, seq_len: model.contextLength, lr: 2e-3, seed: 1337 },
    val_loss: Number(result.valLoss.toFixed(4)),
    val_bits_per_byte: result.valBpb === null ? null : Number(result.valBpb.toFixed(4)),
  };
  await writeFile(join(outDir, 'model-card.json'), `${JSON.stringify(card, null, 2)}\n`);
  console.log(`wrote ${outDir}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
