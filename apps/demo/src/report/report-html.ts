/**
 * `report.html`: one self-contained page (uPlot inlined by @llmforge/trainer's report writer; it
 * opens offline) with
 *
 *   - loss curves: pretraining (train and validation), SFT, the reward model;
 *   - the reward model's pairwise accuracy;
 *   - reward and KL to the reference over RL steps, per algorithm;
 *   - success per task family before (the SFT model) and after each RL algorithm, as grouped bars;
 *   - the same prompts answered after every stage (base model → SFT → RL), the tokenizer's split of
 *     a sentence, the base model's continuation of a line of Austen, and a table of the figures.
 */
import { join } from 'node:path';
import {
  type HtmlReport,
  type MetricRecord,
  type ReportChart,
  type ReportSection,
  type ReportSeries,
  writeHtmlReport,
} from '@llmforge/trainer/node';
import { RL_STAGES, type StageName } from '../config.js';
import type { RunDirectory } from '../run-dir.js';
import type { Sample } from '../samples.js';
import { STAGE_TABLE } from '../stages/index.js';
import type { RlResult } from '../stages/post-training.js';
import { type PretrainResult, readMetrics } from '../stages/pretrain.js';
import type { TokenizerResult } from '../stages/tokenizer.js';
import type { DemoReport } from './report-json.js';

const LABEL: Record<StageName, string> = {
  prepare: 'prepare',
  tokenizer: 'tokenizer',
  pretrain: 'base model',
  sft: 'SFT',
  reward: 'reward model',
  ppo: 'PPO',
  grpo: 'GRPO',
  dpo: 'DPO',
};

/** Series of `records` of one type: one per numeric field whose name matches `field`. */
function metricSeries(records: readonly MetricRecord[], type: string, field: RegExp): ReportSeries[] {
  const typed = records.filter((r) => r.type === type);
  const names = [...new Set(typed.flatMap((r) => Object.keys(r)))].filter(
    (k) => field.test(k) && typed.some((r) => typeof r[k] === 'number'),
  );
  // train loss → "train loss", eval valLoss → "validation loss", eval accuracy → "validation accuracy"
  const kind = type === 'eval' ? 'validation' : type;
  const show = (name: string) => {
    const bare = type === 'eval' ? name.replace(/^val([A-Z])/, (_m, c: string) => c.toLowerCase()) : name;
    return `${kind} ${bare.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)}`;
  };
  return names.map((name) => ({
    label: show(name),
    points: typed.filter((r) => typeof r[name] === 'number').map((r) => [r.step, r[name] as number] as const),
  }));
}

/** A chart of a stage's metrics.jsonl fields, or nothing when the stage has none. */
function metricsChart(
  run: RunDirectory,
  stage: StageName,
  title: string,
  field: RegExp,
  yLabel: string,
): ReportChart[] {
  const records = readMetrics(run.path(stage, 'metrics.jsonl'));
  const types = [...new Set(records.map((r) => r.type))];
  const series = types.flatMap((t) => metricSeries(records, t, field));
  return series.length === 0 ? [] : [{ title, xLabel: 'step', yLabel, series }];
}

const curve = (values: readonly number[] | undefined) => (values ?? []).map((v, i) => [i + 1, v] as const);

function answerCell(s: Sample | undefined): string {
  if (!s) return '—';
  const calls = s.calls.map((c) => `[${c.call} → ${c.result}]\n`).join('');
  return `${calls}${s.answer || '(nothing)'}\n${s.correct ? '✓ correct' : '✗'}`;
}

/**
 * The report page of a run.
 *
 * @example
 * ```ts
 * const page = buildHtmlReport(run, buildReport(config, manifests));
 * ```
 */
export function buildHtmlReport(run: RunDirectory, report: DemoReport): HtmlReport {
  const rl = RL_STAGES.filter((s) => report[s]);
  const rlResult = (s: StageName) => report[s] as unknown as RlResult;
  const charts: ReportChart[] = [
    ...metricsChart(
      run,
      'pretrain',
      'Pretraining: next-token loss (nats per token)',
      /^(loss|valLoss)$/,
      'loss',
    ),
    ...metricsChart(run, 'sft', 'SFT: loss on the assistant tokens', /loss/i, 'loss'),
    ...metricsChart(run, 'reward', 'Reward model: Bradley–Terry loss', /loss/i, 'loss'),
    ...metricsChart(
      run,
      'reward',
      'Reward model: pairwise accuracy (held-out pairs)',
      /accuracy/i,
      'accuracy',
    ),
  ];
  if (rl.length > 0) {
    charts.push(
      {
        title: 'RL: mean reward per step',
        xLabel: 'step',
        yLabel: 'reward',
        series: rl.map((s) => ({ label: LABEL[s], points: curve(rlResult(s).rewardCurve) })),
      },
      {
        title: 'RL: KL to the reference model per step (nats per sequence)',
        xLabel: 'step',
        yLabel: 'KL',
        series: rl.map((s) => ({ label: LABEL[s], points: curve(rlResult(s).klCurve) })),
      },
    );
    const before = rlResult(rl[0]!).perFamily.before;
    const families = [
      ...new Set([...Object.keys(before), ...rl.flatMap((s) => Object.keys(rlResult(s).perFamily.after))]),
    ].sort();
    const bars = (values: Record<string, number>) =>
      families.flatMap((f, k) => (values[f] === undefined ? [] : [[k, values[f]!] as const]));
    charts.push({
      title: 'Success per task family on held-out prompts: SFT model, then after each RL algorithm',
      xLabel: 'task family',
      yLabel: 'success',
      kind: 'bars',
      categories: families,
      yRange: [0, 1],
      series: [
        { label: 'SFT (before)', points: bars(before) },
        ...rl.map((s) => ({ label: `${LABEL[s]} (after)`, points: bars(rlResult(s).perFamily.after) })),
      ],
    });
  }

  const sampleStages = (['pretrain', 'sft', ...RL_STAGES] as const).filter(
    (s) => (report[s] as { samples?: Sample[] } | undefined)?.samples,
  );
  const samplesOf = (s: StageName) => (report[s] as unknown as { samples: Sample[] }).samples;
  const first = sampleStages[0];
  const sections: ReportSection[] = [];
  if (first) {
    sections.push({
      title: 'The same prompts after each stage',
      note: 'Held-out tasks, greedy decoding; a calculator call is executed and its result spliced in ([call → result]). The base model has only read novels: it rambles. SFT teaches the format and the behaviours; RL makes them more reliable.',
      columns: ['prompt', ...sampleStages.map((s) => LABEL[s])],
      rows: samplesOf(first).map((p, i) => [
        `${p.family}: ${p.prompt}\n(reference: ${p.reference})`,
        ...sampleStages.map((s) => answerCell(samplesOf(s)[i])),
      ]),
    });
  }
  const tok = report.tokenizer as unknown as TokenizerResult | undefined;
  if (tok) {
    sections.push({
      title: 'Tokens',
      note: `The tokenizer (byte-level BPE, ${tok.vocabSize} tokens, ${tok.bytesPerToken.toFixed(2)} bytes per token on held-out text) splits a sentence into these pieces; the model only ever sees their ids.`,
      columns: ['text', 'pieces', 'ids'],
      rows: [
        [
          tok.example.text,
          tok.example.tokens.map((t) => JSON.stringify(t)).join(' '),
          tok.example.ids.join(' '),
        ],
      ],
    });
  }
  const pre = report.pretrain as unknown as PretrainResult | undefined;
  if (pre) {
    sections.push({
      title: 'The base model continues a line of Austen (temperature 0.8, top-k 40)',
      columns: ['text'],
      rows: [[pre.continuation.text]],
    });
  }
  const table: [string, string][] = Object.entries(STAGE_TABLE).flatMap(([name, stage]) => {
    const r = report[name as StageName];
    return r ? [[`${name} (${r.seconds.toFixed(0)} s)`, stage.summary(r)] as [string, string]] : [];
  });
  if (pre) table.push(['backend', pre.backend]);
  return {
    title: `llmforge demo: ${run.dir}`,
    subtitle: `${report.preset} preset, seed ${report.seed} · ${report.seconds.toFixed(0)} s of stages · generated ${report.generated}`,
    charts,
    table,
    sections,
  };
}

/**
 * Writes `report.html` into the run directory (atomically).
 *
 * @example
 * ```ts
 * await writeReportHtml(run, report); // runs/default/report.html
 * ```
 */
export async function writeReportHtml(run: RunDirectory, report: DemoReport): Promise<string> {
  const path = join(run.dir, 'report.html');
  await writeHtmlReport(path, buildHtmlReport(run, report));
  return path;
}
