/**
 * What a stage is: a name, the stages it needs, the slice of the config it depends on (hashed into
 * its manifest), and a `run` that writes into its own folder of the run directory and returns its
 * figures (a JSON-able object, kept in `stages/<name>.json` and copied into `report.json`).
 */
import type { DemoBackend } from './backend.js';
import type { DemoConfig, StageName } from './config.js';
import type { DemoProgress } from './progress.js';
import type { RunDirectory, StageManifest } from './run-dir.js';

/** What a stage's `run` gets. */
export interface StageContext {
  run: RunDirectory;
  config: DemoConfig;
  /** The stage's folder (`<run>/<stage>`), emptied unless it holds a partial run of the same hash. */
  dir: string;
  /** The folder holds a partial run with the same hash: continue it from its checkpoints. */
  resumable: boolean;
  /** The backend, opened on first use. */
  backend(): Promise<DemoBackend>;
  progress: DemoProgress;
  /** Aborted on Ctrl-C: trainers stop after the current step with a checkpoint. */
  signal: AbortSignal;
  /** The manifest of a stage this one needs (finished and current). */
  upstream<R>(stage: StageName): StageManifest<R>;
}

/** One stage of the pipeline. */
export interface Stage<R = unknown> {
  name: StageName;
  /** What it does, in a few words: `pretrain a GPT on the shards`. */
  title: string;
  needs: readonly StageName[];
  /** The config slice the stage's output depends on (what its hash covers). */
  config(c: DemoConfig): unknown;
  run(ctx: StageContext): Promise<R>;
  /** Its figures for the summary table, e.g. `val loss 4.01 · 2,214 tok/s`. */
  summary(result: R): string;
}
