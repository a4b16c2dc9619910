/**
 * The pretraining run's HTML report: train and validation loss against the step, the learning
 * rate, and a summary table, built from the metrics records with the generic {@link writeHtmlReport}.
 */

import type { CheckpointEntry } from './checkpoint-manager.js';
import { type HtmlReport, writeHtmlReport } from './html-report.js';
import type { MetricRecord } from './metrics-logger.js';
import type { ResolvedTrainConfig } from './train-config.js';

const points = (records: readonly MetricRecord[], type: string, field: string): [number, number][] =>
  records
    .filter((r) => r.type === type && typeof r[field] === 'number')
    .map((r) => [r.step, r[field] as number]);

/**
 * The report of a run so far.
 *
 * @example
 * ```ts
 * await writeRunReport('runs/a/report.html', config, metrics.records, ckpts.list(), 'step 500 of 2000');
 * ```
 */
export function runReport(
  c: ResolvedTrainConfig,
  records: readonly MetricRecord[],
  checkpoints: readonly CheckpointEntry[],
  status: string,
): HtmlReport {
  const evals = records.filter((r) => r.type === 'eval');
  const lastEval = evals[evals.length - 1];
  const m = c.model;
  return {
    title: `llmforge-train: ${c.outDir}`,
    subtitle: `${status} · updated ${new Date().toISOString()}`,
    charts: [
      {
        title: 'Loss (nats per token)',
        xLabel: 'step',
        yLabel: 'loss',
        series: [
          { label: 'train', points: points(records, 'train', 'loss') },
          { label: 'validation', points: points(records, 'eval', 'valLoss') },
        ],
      },
      {
        title: 'Learning rate',
        xLabel: 'step',
        yLabel: 'lr',
        series: [{ label: 'lr', points: points(records, 'train', 'lr') }],
      },
    ],
    table: [
      [
        'model',
        `${m.nLayer} layers × ${m.nHead} heads × ${m.nEmbd} wide, vocab ${m.vocabSize}, context ${m.contextLength}`,
      ],
      ['batch', `${c.batchSize} × ${c.seqLen} tokens × ${c.gradAccumSteps} accumulation`],
      [
        'optimizer',
        `AdamW lr ${c.optimizer.lr}, betas ${c.optimizer.betas.join('/')}, decay ${c.optimizer.weightDecay}`,
      ],
      ['schedule', `${c.schedule.type}, warmup ${c.schedule.warmupSteps}, min lr ${c.schedule.minLr}`],
      ['precision', c.precision],
      [
        'last validation',
        lastEval ? `step ${lastEval.step}: loss ${lastEval.valLoss}, bpb ${lastEval.valBpb}` : '—',
      ],
      [
        'checkpoints',
        checkpoints
          .map((k) => `step ${k.step}${k.metric === null ? '' : ` (val ${k.metric.toFixed(4)})`}`)
          .join(', ') || '—',
      ],
    ],
  };
}

/**
 * Writes {@link runReport} to `path` (atomically).
 *
 * @example
 * ```ts
 * await writeRunReport('runs/a/report.html', config, metrics.records, ckpts.list(), 'finished');
 * ```
 */
export async function writeRunReport(
  path: string,
  c: ResolvedTrainConfig,
  records: readonly MetricRecord[],
  checkpoints: readonly CheckpointEntry[],
  status: string,
): Promise<void> {
  await writeHtmlReport(path, runReport(c, records, checkpoints, status));
}
