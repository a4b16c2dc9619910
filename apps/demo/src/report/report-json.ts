/**
 * `report.json`: the figures of every current stage of a run, in one file a program can read.
 *
 * ```json
 * {
 *   "format": "llmforge-demo-report", "version": 1, "preset": "default", "seed": 1337,
 *   "tokenizer": { "bytesPerToken": 3.9, "vocabSize": 2048, ..., "seconds": 41.2 },
 *   "pretrain": { "valLoss": 3.61, "tokensPerSecond": 2214, ..., "seconds": 870 },
 *   "sft": { "taskAccuracy": 0.31, ... }, "reward": { "pairAccuracy": 0.97, ... },
 *   "ppo": { "successBefore": 0.31, "successAfter": 0.52, "meanKL": 1.8, ... }
 * }
 * ```
 *
 * Each stage's entry is its result (as in `stages/<stage>.json`) with `seconds` the wall time of
 * the whole stage (training, evaluation and the sample answers).
 */
import type { DemoConfig, StageName } from '../config.js';
import type { StageManifest } from '../run-dir.js';

export const REPORT_FORMAT = 'llmforge-demo-report';
export const REPORT_VERSION = 1;

/** A stage's entry: its result and its wall time. */
export type StageFigures = Record<string, unknown> & { seconds: number };

/** `report.json`: a header, then one entry per stage that has run (and is current). */
export type DemoReport = {
  format: typeof REPORT_FORMAT;
  version: number;
  generated: string;
  preset: DemoConfig['preset'];
  seed: number;
  /** Total wall seconds of the stages present. */
  seconds: number;
} & Partial<Record<StageName, StageFigures>>;

/**
 * The report of the current stages.
 *
 * @example
 * ```ts
 * const report = buildReport(config, currentManifests(STAGE_TABLE, run, config));
 * report.pretrain?.valLoss;
 * ```
 */
export function buildReport(
  config: DemoConfig,
  manifests: ReadonlyMap<StageName, StageManifest>,
): DemoReport {
  const stages: Partial<Record<StageName, StageFigures>> = {};
  let seconds = 0;
  for (const [name, m] of manifests) {
    stages[name] = { ...(m.result as Record<string, unknown>), seconds: m.seconds };
    seconds += m.seconds;
  }
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    generated: new Date().toISOString(),
    preset: config.preset,
    seed: config.seed,
    seconds,
    ...stages,
  };
}
