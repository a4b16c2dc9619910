/**
 * Stage `pretrain`: a small GPT learns to predict the next token of the corpus — a base model.
 *
 *   tokenizer/shards ─┐
 *   [pretrain/mix/    ├► train() of @llmforge/trainer: random windows (a mix: a fixed share of
 *   (tasks + copies)]─┘  every batch) → forward → cross entropy → backward → clip → AdamW
 *                        (warmup + cosine) → eval on the corpus → checkpoint
 *                    ─► pretrain/checkpoints/step-NNNNNN (HF layout + tokenizer.json),
 *                       metrics.jsonl, report.html (the trainer's own)
 *
 * The optional mix (`pretrain.mix`, see the config) is mid-training data from @llmforge/sft-rlhf:
 * rendered train-split task conversations and synthetic copy sequences, written once into `mix/`
 * as an llm.c shard with the run's tokenizer. The quick preset mixes a little (so the tests run
 * this path); the default has none (measured: it did not teach the model to copy at this budget).
 *
 * The loop is the trainer's, resumable: an interrupted stage continues from its last checkpoint.
 * Then the base model answers the sample prompts (it rambles: it has only read novels) and
 * continues a line of Austen.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadTaskData, writeMidTrainingShard } from '@llmforge/sft-rlhf/node';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { type MetricRecord, train } from '@llmforge/trainer/node';
import { loadCheckpoint } from '../checkpoint.js';
import type { DemoConfig } from '../config.js';
import { type Continuation, continueText, type Sample, sampleAnswers } from '../samples.js';
import type { Stage, StageContext } from '../stage.js';
import { END_OF_TEXT, type TokenizerResult } from './tokenizer.js';

/** What `pretrain` reports. */
export interface PretrainResult {
  parameters: number;
  steps: number;
  /** Validation loss (nats per token) before the first step and after the last. */
  valLossBefore: number;
  valLoss: number;
  /** Bits per byte on the validation text (comparable across tokenizers). */
  valBpb: number | null;
  trainLoss: number;
  /** Training throughput, smoothed over the last steps. */
  tokensPerSecond: number;
  /** The final checkpoint, relative to the stage folder. */
  checkpoint: string;
  samples: Sample[];
  continuation: Continuation;
  backend: string;
  seconds: number;
}

/** The records of a metrics.jsonl (lines a crash cut short are skipped). */
export function readMetrics(path: string): MetricRecord[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const out: MetricRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as MetricRecord);
    } catch {
      // a partial last line
    }
  }
  return out;
}

/**
 * Writes (or finds) the mid-training shard in `<stage>/mix/`: the run's tokenizer renders
 * train-split tasks of the configured families, beside synthetic copy sequences.
 */
async function mixShard(ctx: StageContext, mix: NonNullable<DemoConfig['pretrain']['mix']>): Promise<string> {
  const tok = ctx.upstream<TokenizerResult>('tokenizer').result;
  return writeMidTrainingShard({
    dir: join(ctx.dir, 'mix'),
    tokenizer: await loadTokenizer(ctx.run.path('tokenizer', tok.tokenizer)),
    specialTokens: tok.specialTokens,
    endOfText: END_OF_TEXT,
    vocabSize: ctx.config.tokenizer.vocabSize,
    data: await loadTaskData(),
    families: ctx.config.tasks.mix,
    mix,
    seed: ctx.config.seed,
  });
}

export const pretrainStage: Stage<PretrainResult> = {
  name: 'pretrain',
  title: 'pretrain a GPT on the shards',
  needs: ['tokenizer'],
  // A mix with tasks renders tasks of the configured families: their mix is part of what
  // pretraining read (a gazetteer or copy sequences alone do not depend on it). Without a mix the
  // inputs are what they were before mixing existed (no `mix` key), so run directories pretrained
  // then stay current.
  config: ({ pretrain: { mix, ...p }, seed, tasks }) => ({
    ...p,
    seed,
    ...(mix ? { mix, ...(mix.tasks > 0 ? { taskMix: tasks.mix } : {}) } : {}),
  }),
  async run(ctx) {
    const t0 = performance.now();
    const p = ctx.config.pretrain;
    const { backend, kind, description } = await ctx.backend();
    const mix = p.mix === null ? [] : [{ train: await mixShard(ctx, p.mix), weight: p.mix.weight }];
    const progress = ctx.progress.stage('pretrain', 'steps');
    const r = await train(
      {
        outDir: ctx.dir,
        data: { dir: ctx.run.path('tokenizer', 'shards'), mix },
        model: { ...p.model },
        steps: p.steps,
        batchSize: p.batchSize,
        optimizer: { lr: p.lr, betas: [0.9, 0.95], weightDecay: 0.1 },
        schedule: { type: 'cosine', warmupSteps: p.warmupSteps, minLr: p.lr / 10 },
        eval: { every: p.evalEvery, batches: p.evalBatches },
        checkpoint: { every: p.evalEvery, keepLast: 1, keepBest: false },
        seed: ctx.config.seed,
        log: { every: 10, progress: 'none' },
        device: { backend: kind, peakFlops: null },
        resume: ctx.resumable,
      },
      { backend, progress, signal: ctx.signal },
    );
    ctx.signal.throwIfAborted(); // Ctrl-C: the trainer saved a checkpoint; the next run continues
    const records = readMetrics(join(ctx.dir, 'metrics.jsonl'));
    const evals = records.filter((m) => m.type === 'eval');
    const trains = records.filter((m) => m.type === 'train');
    const loaded = await loadCheckpoint(r.checkpoint, backend, 'llmforge-demo pretrain --force');
    try {
      const samples = await sampleAnswers(loaded.model, loaded.tokenizer, ctx.config.samples.maxNewTokens);
      const continuation = await continueText(loaded.model, loaded.tokenizer, 40, ctx.config.seed);
      ctx.progress.log(`pretrain: ${JSON.stringify(continuation.text)}`);
      return {
        parameters: loaded.model.numParams(),
        steps: r.steps,
        valLossBefore: (evals[0]?.valLoss as number | undefined) ?? r.valLoss,
        valLoss: r.valLoss,
        valBpb: r.valBpb,
        trainLoss: r.trainLoss,
        tokensPerSecond: (trains.at(-1)?.tokensPerSecond as number | undefined) ?? 0,
        checkpoint: relative(ctx.dir, r.checkpoint),
        samples,
        continuation,
        backend: description,
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      loaded.model.dispose();
    }
  },
  summary: (r) =>
    `${(r.parameters / 1e6).toFixed(2)}M params, val loss ${r.valLossBefore.toFixed(2)} → ${r.valLoss.toFixed(2)}, ${Math.round(r.tokensPerSecond).toLocaleString('en-US')} tok/s`,
};
