/**
 * The run directory every post-training trainer writes, on @llmforge/trainer's pieces (checkpoint
 * manager, metrics logger, progress reporter, HTML report):
 *
 * ```
 * outDir/
 *   checkpoints/step-000040/     written whole, atomically (CheckpointManager)
 *     config.json, model.safetensors          the policy (or reward model trunk), Hugging Face layout
 *     tokenizer.json, tokenizer_config.json   its tokenizer
 *     value_head.safetensors | reward_head.safetensors   a scalar head, when the trainer has one
 *     optimizer.safetensors                   AdamW's moments and step counts
 *     state.json                              algorithm, step, seconds, random streams, the trainer's state
 *   metrics.jsonl                one line per step / evaluation (MetricsLogger; cut back on resume)
 *   report.html                  charts and the result table (self-contained, offline)
 *   result.json                  the trainer's result (plain JSON)
 * ```
 *
 * A new run refuses an `outDir` that already holds checkpoints (nothing written is lost); with
 * `resume` it continues from the newest one, which must be of the same algorithm and config.
 */
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Module, Optimizer } from '@llmforge/tensor-gpu';
import { loadSafetensorsInto, saveTensors } from '@llmforge/tensor-gpu/node';
import {
  CheckpointManager,
  createProgressReporter,
  type HtmlReport,
  loadModelWeights,
  loadOptimizerState,
  type MetricRecord,
  MetricsLogger,
  type ProgressReporter,
  saveOptimizerState,
  writeHtmlReport,
  writeJsonAtomically,
  writeModelWeights,
} from '@llmforge/trainer/node';
import type { Model } from '@llmforge/transformer';
import { PostTrainingCheckpointError, PostTrainingConfigError } from '../errors.js';

/** Format name and version of `state.json`. */
export const POST_TRAINING_STATE_FORMAT = 'llmforge.post-training-state';
export const POST_TRAINING_STATE_VERSION = 1;

/** The algorithms, as named in `state.json` and progress events. */
export type Algorithm = 'sft' | 'reward' | 'ppo' | 'grpo' | 'dpo';

/** `state.json`: what a checkpoint holds besides tensors. */
export interface PostTrainingState<S> {
  format: typeof POST_TRAINING_STATE_FORMAT;
  version: number;
  algorithm: Algorithm;
  /** Optimizer steps (SFT, reward, DPO) or rollout iterations (PPO, GRPO) completed. */
  step: number;
  /** Training time so far, across resumes. */
  seconds: number;
  /** The settings that must not change on resume. */
  config: unknown;
  /** The trainer's own state (random streams, figures measured before training, ...). */
  data: S;
}

/** A progress event of any trainer. */
export interface PostTrainingProgress {
  algorithm: Algorithm;
  /** `evaluate` (before or after training) or `train`. */
  phase: 'evaluate' | 'train';
  step: number;
  total: number;
  /** The step's figures (loss, reward, kl, ...). */
  metrics: Readonly<Record<string, number>>;
}

/** Options every trainer takes for its run directory and progress. */
export interface RunOptions {
  /** Continue from the newest checkpoint in `outDir` (default false). */
  resume?: boolean;
  /** A progress reporter (default: @llmforge/trainer's, a bar on a TTY, plain lines otherwise). */
  progress?: ProgressReporter;
  /** `auto`, `bar`, `lines` or `none` for the default reporter. */
  progressMode?: 'auto' | 'bar' | 'lines' | 'none';
  /** Called at every step and evaluation. */
  onProgress?: (event: PostTrainingProgress) => void;
  /** Stops after the current step; a checkpoint is written first. */
  signal?: AbortSignal;
}

/** What a checkpoint holds. */
export interface CheckpointParts<S> {
  model: Model;
  /** Scalar heads by file name (`value_head`, `reward_head`). */
  heads?: Readonly<Record<string, Module>>;
  optimizer: Optimizer;
  tokenizerJson: string;
  /** More small files by name (e.g. `reward_model.json`). */
  files?: Readonly<Record<string, string>>;
  data: S;
}

/**
 * One trainer's run directory: checkpoints, metrics, progress, report and result.
 *
 * @example
 * ```ts
 * const run = await PostTrainingRun.open<MyState>({ outDir, algorithm: 'sft', operation: 'trainSft', config, keepLast: 1 });
 * if (run.resumed) await run.restore({ model, optimizer });
 * await run.save(step, { model, optimizer, tokenizerJson, data: {} });
 * ```
 */
export class PostTrainingRun<S> {
  private readonly started = performance.now();

  private constructor(
    readonly outDir: string,
    readonly algorithm: Algorithm,
    private readonly config: unknown,
    readonly checkpoints: CheckpointManager,
    readonly metrics: MetricsLogger,
    readonly progress: ProgressReporter,
    /** The checkpoint a resumed run continues from. */
    readonly resumed: { dir: string; state: PostTrainingState<S> } | null,
    private readonly onProgress: RunOptions['onProgress'],
  ) {}

  /** Opens (or resumes) the run in `outDir`; throws before writing anything when it cannot. */
  static async open<S>(
    o: RunOptions & {
      outDir: string;
      algorithm: Algorithm;
      operation: string;
      /** Serializable settings compared on resume. */
      config: unknown;
      keepLast: number;
      /** Lines mode of the default reporter: a line every N steps (default 1). */
      progressEvery?: number;
    },
  ): Promise<PostTrainingRun<S>> {
    const checkpoints = new CheckpointManager(join(o.outDir, 'checkpoints'), {
      keepLast: o.keepLast,
      keepBest: false,
    });
    await checkpoints.recover();
    const latest = checkpoints.latest();
    if (latest && !o.resume) {
      throw new PostTrainingConfigError({
        operation: o.operation,
        where: 'option resume',
        expected: 'an outDir without checkpoints for a new run',
        found: `checkpoints up to step ${latest.step} in ${checkpoints.dir}`,
        hint: 'pass resume: true to continue that run, or choose another outDir',
      });
    }
    let resumed: { dir: string; state: PostTrainingState<S> } | null = null;
    if (latest && o.resume) {
      const state = await readState<S>(latest.dir, o.algorithm, o.operation);
      if (JSON.stringify(state.config) !== JSON.stringify(o.config)) {
        throw new PostTrainingConfigError({
          operation: o.operation,
          where: 'option resume',
          expected: `the settings of the run in ${o.outDir}`,
          found: 'different settings',
          hint: 'resume with the same config, or start a new run in another outDir',
        });
      }
      resumed = { dir: latest.dir, state };
    }
    try {
      await mkdir(o.outDir, { recursive: true });
      await access(o.outDir, constants.W_OK);
    } catch (cause) {
      throw new PostTrainingConfigError({
        operation: o.operation,
        file: o.outDir,
        where: 'option outDir',
        expected: 'a writable directory',
        found: (cause as NodeJS.ErrnoException).code ?? String(cause),
        cause,
      });
    }
    const metrics = MetricsLogger.open(join(o.outDir, 'metrics.jsonl'), {
      keepUntilStep: resumed?.state.step ?? 0,
    });
    const progress =
      o.progress ?? createProgressReporter({ mode: o.progressMode ?? 'auto', every: o.progressEvery ?? 1 });
    return new PostTrainingRun<S>(
      o.outDir,
      o.algorithm,
      o.config,
      checkpoints,
      metrics,
      progress,
      resumed,
      o.onProgress,
    );
  }

  /** Training seconds, those before a resume included. */
  elapsed(): number {
    return (this.resumed?.state.seconds ?? 0) + (performance.now() - this.started) / 1000;
  }

  /** Writes checkpoint `step` atomically; returns its directory. */
  async save(step: number, parts: CheckpointParts<S>): Promise<string> {
    const state: PostTrainingState<S> = {
      format: POST_TRAINING_STATE_FORMAT,
      version: POST_TRAINING_STATE_VERSION,
      algorithm: this.algorithm,
      step,
      seconds: this.elapsed(),
      config: this.config,
      data: parts.data,
    };
    return this.checkpoints.save(step, async (dir) => {
      await writeModelWeights(dir, parts.model);
      await writeFile(join(dir, 'tokenizer.json'), parts.tokenizerJson);
      await writeFile(
        join(dir, 'tokenizer_config.json'),
        `${JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', model_max_length: parts.model.config.contextLength }, null, 2)}\n`,
      );
      for (const [name, head] of Object.entries(parts.heads ?? {})) {
        await saveTensors(join(dir, `${name}.safetensors`), new Map(head.namedParameters()), {
          format: 'llmforge',
        });
      }
      for (const [name, text] of Object.entries(parts.files ?? {})) await writeFile(join(dir, name), text);
      await saveOptimizerState(join(dir, 'optimizer.safetensors'), parts.optimizer);
      await writeFile(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
    });
  }

  /** Loads the resumed checkpoint's weights, heads and optimizer state. */
  async restore(parts: Pick<CheckpointParts<S>, 'model' | 'heads' | 'optimizer'>): Promise<void> {
    if (!this.resumed) return;
    const { dir } = this.resumed;
    await loadModelWeights(dir, parts.model);
    for (const [name, head] of Object.entries(parts.heads ?? {})) {
      await loadSafetensorsInto(join(dir, `${name}.safetensors`), head);
    }
    await loadOptimizerState(join(dir, 'optimizer.safetensors'), parts.optimizer);
  }

  /** Appends a metrics line and reports progress. */
  log(
    phase: PostTrainingProgress['phase'],
    step: number,
    total: number,
    metrics: Record<string, number>,
  ): void {
    this.metrics.log({
      type: phase === 'train' ? 'train' : 'eval',
      step,
      ...metrics,
      seconds: this.elapsed(),
    });
    this.onProgress?.({ algorithm: this.algorithm, phase, step, total, metrics });
  }

  /** The metrics of `type` as [step, value] points of `field`. */
  curve(type: string, field: string): [number, number][] {
    return this.metrics.records
      .filter((r: MetricRecord) => r.type === type && typeof r[field] === 'number')
      .map((r) => [r.step, r[field] as number]);
  }

  /** Writes `result.json` and `report.html`. */
  async finish(result: object, report: HtmlReport): Promise<void> {
    await writeJsonAtomically(join(this.outDir, 'result.json'), result);
    await writeHtmlReport(join(this.outDir, 'report.html'), report);
  }
}

/**
 * Reads a checkpoint's `state.json` and checks format, version and algorithm.
 *
 * @example
 * ```ts
 * const state = await readState(dir, 'ppo', 'trainPpo');
 * ```
 */
export async function readState<S>(
  dir: string,
  algorithm: Algorithm,
  operation: string,
): Promise<PostTrainingState<S>> {
  const file = join(dir, 'state.json');
  let state: PostTrainingState<S>;
  try {
    state = JSON.parse(await readFile(file, 'utf8')) as PostTrainingState<S>;
  } catch (cause) {
    throw new PostTrainingCheckpointError({
      operation,
      file,
      expected: 'a readable state.json',
      found: cause instanceof Error ? cause.message : String(cause),
      hint: 'the checkpoint was not written by a @llmforge/sft-rlhf trainer',
      cause,
    });
  }
  if (state.format !== POST_TRAINING_STATE_FORMAT || state.version !== POST_TRAINING_STATE_VERSION) {
    throw new PostTrainingCheckpointError({
      operation,
      file,
      expected: `format ${POST_TRAINING_STATE_FORMAT} version ${POST_TRAINING_STATE_VERSION}`,
      found: `format ${String(state.format)} version ${String(state.version)}`,
      hint: 'resume with the @llmforge/sft-rlhf version that wrote it',
    });
  }
  if (state.algorithm !== algorithm) {
    throw new PostTrainingCheckpointError({
      operation,
      file,
      expected: `a ${algorithm} run`,
      found: `a ${String(state.algorithm)} run`,
      hint: 'each algorithm needs its own outDir',
    });
  }
  return state;
}
