/**
 * The demo's stages, in pipeline order. Every stage takes what the previous one produced:
 *
 *   loadCorpus → trainTokenizerStage → encode (in runDemo) → pretrainStage → sampleStage
 *
 * Outputs (tokenizer.json, the model as an HF-layout checkpoint) go to `outDir`, each written
 * atomically by the package that owns the format.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from '@llmforge/sampler';
import {
  AdamW,
  type Backend,
  clipGradNorm,
  cosineSchedule,
  createCpuBackend,
  decayGroups,
  noGrad,
  RandomGenerator,
  tidy,
} from '@llmforge/tensor-gpu';
import { type Tokenizer, trainTokenizer } from '@llmforge/tokenizer';
import { saveTokenizer } from '@llmforge/tokenizer/node';
import { createModel, type Model, presets } from '@llmforge/transformer';
import { savePretrained } from '@llmforge/transformer/node';
import { loadCorpus, splitCorpus } from './corpus.js';

/** What {@link runDemo} needs; every field has a default in `main.ts`. */
export interface DemoOptions {
  /** Optimizer steps of pretraining. */
  steps: number;
  backend: 'cpu' | 'webgpu';
  outDir: string;
  /** Tokenizer vocabulary size (special tokens included). */
  vocabSize: number;
  seed: number;
  /** Sequences per step and tokens per sequence. */
  batchSize?: number;
  seqLen?: number;
  /** Use only the first `corpusChars` characters of the corpus (tests use a small slice). */
  corpusChars?: number;
  log: (line: string) => void;
}

/** Figures of a run, for the summary line and for tests. */
export interface DemoSummary {
  bytesPerToken: number;
  initialValLoss: number;
  finalValLoss: number;
  /** The sampled text (prompt included) and its ids. */
  sample: string;
  sampleIds: number[];
  seconds: number;
}

const END_OF_TEXT = '<|endoftext|>';

async function createBackend(kind: DemoOptions['backend']): Promise<Backend> {
  if (kind === 'cpu') return createCpuBackend();
  const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
  return createNodeBackend();
}

/** Stage 1: a byte-level BPE tokenizer trained on the training split (GPT-2 split pattern). */
async function trainTokenizerStage(train: string, o: DemoOptions): Promise<Tokenizer> {
  let lastPhase = '';
  const tokenizer = await trainTokenizer(
    {
      model: 'bpe',
      vocabSize: o.vocabSize,
      specialTokens: [END_OF_TEXT],
      onProgress: ({ phase }) => {
        if (phase !== lastPhase) o.log(`  tokenizer: ${phase}…`);
        lastPhase = phase;
      },
    },
    train,
  );
  await saveTokenizer(tokenizer, join(o.outDir, 'tokenizer.json'));
  return tokenizer;
}

/** One batch of `batch` random windows of `len + 1` tokens: ids and HF-convention labels (the same windows). */
function randomWindows(ids: Int32Array, batch: number, len: number, gen: RandomGenerator): number[][] {
  const rows: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const start = gen.int(ids.length - len - 1);
    rows.push(Array.from(ids.subarray(start, start + len)));
  }
  return rows;
}

/** Mean loss over fixed validation windows, without building a graph. */
function evaluate(model: Model, batches: number[][][]): number {
  let total = 0;
  for (const rows of batches) {
    total += noGrad(() => tidy(() => model.forward(rows, { labels: rows }).loss!.itemSync()));
  }
  return total / batches.length;
}

/** Stage 3: pretrain a tiny GPT with AdamW, warmup + cosine schedule, gradient clipping. */
async function pretrainStage(
  trainIds: Int32Array,
  valIds: Int32Array,
  vocabSize: number,
  backend: Backend,
  o: DemoOptions,
): Promise<{ model: Model; initialValLoss: number; finalValLoss: number }> {
  const batch = o.batchSize ?? 8;
  const len = o.seqLen ?? 64;
  const model = createModel(
    { ...presets['tiny-gpt'], vocabSize, contextLength: len },
    { backend, seed: o.seed },
  );
  o.log(`  model: tiny-gpt, ${(model.numParams() / 1e6).toFixed(2)}M parameters, context ${len}`);
  const gen = new RandomGenerator(o.seed);
  const valGen = new RandomGenerator(o.seed + 1);
  const valBatches = Array.from({ length: 4 }, () => randomWindows(valIds, batch, len, valGen));
  const initialValLoss = evaluate(model, valBatches);
  o.log(
    `  step 0: val loss ${initialValLoss.toFixed(3)} (uniform would be ${Math.log(vocabSize).toFixed(3)})`,
  );

  const optimizer = new AdamW(decayGroups(model.namedParameters(), 0.1), { lr: 3e-3, betas: [0.9, 0.95] });
  const schedule = cosineSchedule({
    lr: 3e-3,
    minLr: 3e-4,
    warmupSteps: Math.min(30, Math.floor(o.steps / 10)),
    totalSteps: o.steps,
  });
  const started = performance.now();
  for (let step = 1; step <= o.steps; step++) {
    const rows = randomWindows(trainIds, batch, len, gen);
    optimizer.setLr(schedule(step - 1));
    const loss = tidy(() => model.forwardBackward(rows, { labels: rows }).itemSync());
    clipGradNorm(model.parameters(), 1.0);
    optimizer.step();
    optimizer.zeroGrad();
    if (step % 25 === 0 || step === o.steps) {
      const perStep = (performance.now() - started) / step;
      const tokPerSec = (batch * len * 1000) / perStep;
      o.log(`  step ${step}/${o.steps}: train loss ${loss.toFixed(3)}, ${tokPerSec.toFixed(0)} tokens/s`);
    }
  }
  const finalValLoss = evaluate(model, valBatches);
  o.log(`  after ${o.steps} steps: val loss ${finalValLoss.toFixed(3)}`);
  await savePretrained(model, join(o.outDir, 'model'));
  return { model, initialValLoss, finalValLoss };
}

/** The prompt of stage 4: the first words of Pride and Prejudice. */
export const SAMPLE_PROMPT = 'It is a truth universally acknowledged';

/**
 * Stage 4: sample a continuation of {@link SAMPLE_PROMPT} through the KV cache (on WebGPU the choice
 * happens on the device): up to 60 new tokens, temperature 0.8, top-k 40, seeded from the run's seed.
 * Returns the ids (prompt included) and their text.
 */
export async function sampleStage(
  model: Model,
  tokenizer: Tokenizer,
  seed: number,
): Promise<{ ids: number[]; text: string }> {
  const prompt = tokenizer.encode(SAMPLE_PROMPT);
  const maxNewTokens = Math.min(60, model.config.contextLength - prompt.length);
  const { sequences } = await generate(model, prompt, {
    maxNewTokens,
    temperature: 0.8,
    topK: 40,
    seed: seed + 2,
  });
  return { ids: sequences[0]!, text: tokenizer.decode(sequences[0]!) };
}

/** Runs every stage in order and returns the figures. */
export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  await mkdir(o.outDir, { recursive: true });

  o.log('1/4 corpus: Jane Austen, six novels (embedded)');
  const corpus = await loadCorpus(o.corpusChars);
  const { train, val } = splitCorpus(corpus, 0.95);
  o.log(`  ${(corpus.length / 1e6).toFixed(2)}M characters, ${(val.length / 1e3).toFixed(0)}k held out`);

  o.log(`2/4 tokenizer: byte-level BPE, vocabulary ${o.vocabSize}`);
  const tokenizer = await trainTokenizerStage(train, o);
  const trainIds = Int32Array.from(tokenizer.encode(train));
  const valIds = Int32Array.from(tokenizer.encode(val));
  const bytesPerToken = Buffer.byteLength(val, 'utf8') / valIds.length;
  o.log(`  ${trainIds.length} training tokens; ${bytesPerToken.toFixed(3)} bytes/token on held-out text`);
  o.log(`  saved ${join(o.outDir, 'tokenizer.json')}`);

  o.log(`3/4 pretraining on the ${o.backend} backend`);
  const backend = await createBackend(o.backend);
  const { model, initialValLoss, finalValLoss } = await pretrainStage(
    trainIds,
    valIds,
    tokenizer.vocabSize,
    backend,
    o,
  );
  o.log(`  saved ${join(o.outDir, 'model')} (Hugging Face GPT-2 layout)`);

  o.log('4/4 sampling (temperature 0.8, top-k 40, KV cache)');
  const sample = await sampleStage(model, tokenizer, o.seed);
  o.log(`  ${JSON.stringify(sample.text)}`);
  return {
    bytesPerToken,
    initialValLoss,
    finalValLoss,
    sample: sample.text,
    sampleIds: sample.ids,
    seconds: (performance.now() - started) / 1000,
  };
}
