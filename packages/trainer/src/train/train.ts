/**
 * `train(config)`: the pretraining loop, readable top to bottom. One optimizer step is
 *
 *   batch → forward → loss → backward (× gradAccumSteps) → clip → guard → step → log → eval → checkpoint
 *
 * Everything else lives in its own file, shared with other loops: the config and its defaults
 * (`train-config.ts`), data (`../data/token-loader.ts`), mixed precision (`mixed-precision.ts`),
 * evaluation (`evaluate.ts`), checkpoints (`checkpoint-manager.ts`, `train-checkpoint.ts`), metrics
 * (`metrics-logger.ts`), the HTML report (`run-report.ts`) and progress (`progress.ts`).
 *
 * Resume is exact on the CPU backend: the checkpoint holds the weights, AdamW's moments and step
 * counts, the loader position, the dropout stream and the loss scale; a resumed run computes the
 * same losses, bit for bit, as one that never stopped.
 */

import { join } from 'node:path';
import { AdamW, type Backend, createSchedule, decayGroups, tensor, tidy } from '@llmforge/tensor-gpu';
import { createModel, flopsPerToken, type Model } from '@llmforge/transformer';
import { MixedTokenLoader } from '../data/mixed-loader.js';
import { type TokenBatch, TokenLoader } from '../data/token-loader.js';
import { TrainerConfigError } from '../errors.js';
import { CheckpointManager } from './checkpoint-manager.js';
import { evaluate, fixedBatches } from './evaluate.js';
import { checkFinite, clipCoefficient, globalGradNorm, scaleGradients } from './gradients.js';
import { lmLoss, targetsTensor } from './lm-loss.js';
import { MetricsLogger } from './metrics-logger.js';
import { HalfPrecisionCopy, LossScaler } from './mixed-precision.js';
import { measurePeakFlops } from './peak-flops.js';
import { createProgressReporter, type ProgressReporter } from './progress.js';
import { writeRunReport } from './run-report.js';
import { checkAgainstData, checkResumable, createBackendFor, openRunData } from './run-setup.js';
import {
  loadTrainingCheckpoint,
  readTrainerState,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_VERSION,
  type TrainerState,
  writeTrainingCheckpoint,
} from './train-checkpoint.js';
import { resolveTrainConfig, type TrainConfig } from './train-config.js';
import { writeJsonAtomically } from './write-json.js';

/** Options of {@link train} that are not part of the (serializable) config. */
export interface TrainOptions {
  /** A backend to use instead of creating the one `device.backend` names. */
  backend?: Backend;
  /** Where progress goes (default: a bar on a TTY, plain lines otherwise, per `log.progress`). */
  progress?: ProgressReporter;
  /** Stop after the current step (a checkpoint is written first). */
  signal?: AbortSignal;
  /**
   * Called after the backward pass of every step, before clipping and the update (the master
   * model, whose `.grad`s are set): inspect or edit gradients, as a TrainerCallback's
   * `on_pre_optimizer_step` in Hugging Face.
   */
  onGradients?: (step: number, model: Model) => void;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** Optimizer steps completed. */
  steps: number;
  /** Mean training loss of the last step. */
  trainLoss: number;
  /** The last evaluation. */
  valLoss: number;
  valBpb: number | null;
  /** Directory of the last checkpoint. */
  checkpoint: string;
  /** Training time of this call (evaluation and checkpoints included). */
  seconds: number;
  /** Per-step losses of this call (index 0 = the first step it ran). */
  losses: number[];
}

/**
 * Trains a model from a config (see {@link TrainConfig}); resumable, with checkpoints, metrics,
 * progress and an HTML report in `outDir`.
 *
 * @example
 * ```ts
 * import { train } from '@llmforge/trainer/node';
 * const result = await train({
 *   outDir: 'runs/austen',
 *   data: { dir: 'data/austen' },
 *   model: { preset: 'tiny-gpt', contextLength: 64 },
 *   steps: 2000,
 *   optimizer: { lr: 1e-3, betas: [0.9, 0.99] },
 * });
 * console.log(result.valLoss, result.checkpoint);
 * ```
 */
export async function train(config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  // ── 1. config and data, checked before any work ───────────────────────────────────────────────
  const c = resolveTrainConfig(config);
  const data = await openRunData(c);
  checkAgainstData(c, data);
  const ckpts = new CheckpointManager(join(c.outDir, 'checkpoints'), c.checkpoint);
  await ckpts.recover(); // finish or clean up what a killed run left behind
  const latest = ckpts.latest();
  if (latest && !c.resume) {
    throw new TrainerConfigError({
      operation: 'train',
      where: 'resume',
      expected: 'an outDir without checkpoints for a new run',
      found: `checkpoints up to step ${latest.step} in ${ckpts.dir}`,
      hint: 'pass resume: true (--resume) to continue that run, or choose another outDir',
    });
  }
  const resumeFrom = c.resume && latest ? await readTrainerState(latest.dir) : null;
  if (resumeFrom) checkResumable(c, resumeFrom, latest!.dir);

  // ── 2. model, optimizer, schedule, data loader ──────────────────────────────────────────────────
  const backend = options.backend ?? (await createBackendFor(c));
  const dtype = c.precision === 'f64' ? 'f64' : 'f32';
  const model = createModel(c.model, { backend, seed: c.seed, dtype }); // the master weights
  const half = c.precision === 'f16-mixed' ? new HalfPrecisionCopy(model) : null; // f16 compute copy
  const compute = half ? half.model : model;
  const scaler = half ? new LossScaler(c.lossScale) : null;
  const optimizer = new AdamW(decayGroups(model.namedParameters(), c.optimizer.weightDecay), {
    lr: c.optimizer.lr,
    betas: c.optimizer.betas,
    eps: c.optimizer.eps,
  });
  const schedule = createSchedule({ ...c.schedule, lr: c.optimizer.lr, totalSteps: c.steps });
  const align = c.data.alignDocuments ? { alignTo: data.endOfText! } : {};
  const loaderOptions = {
    batchSize: c.batchSize,
    seqLen: c.seqLen,
    mode: c.data.order,
    seed: c.seed,
    ...align,
  };
  const mainWeight = 1 - data.mix.reduce((s, m) => s + m.weight, 0);
  const loader =
    data.mix.length === 0
      ? TokenLoader.open(data.train, loaderOptions)
      : MixedTokenLoader.open([{ shards: data.train, weight: mainWeight }, ...data.mix], loaderOptions);
  const valBatches = fixedBatches(data.val, {
    count: c.eval.batches,
    batchSize: c.eval.batchSize,
    seqLen: c.seqLen,
    seed: c.seed + 1,
    ...align,
  });
  let step = 0;
  let tokensSeen = 0;
  let secondsBefore = 0;
  let bestValLoss: number | null = null;
  if (resumeFrom) {
    await loadTrainingCheckpoint(latest!.dir, model, optimizer);
    loader.setState(resumeFrom.loader);
    compute.dropoutStream.offset = resumeFrom.dropout.offset;
    if (scaler && resumeFrom.lossScaler) scaler.setState(resumeFrom.lossScaler);
    ({ step, tokensSeen, bestValLoss } = resumeFrom);
    secondsBefore = resumeFrom.seconds;
  }
  await writeJsonAtomically(join(c.outDir, 'config.json'), c);
  const metrics = MetricsLogger.open(join(c.outDir, 'metrics.jsonl'), { keepUntilStep: step });
  const progress = options.progress ?? createProgressReporter({ mode: c.log.progress, every: c.log.every });
  const peak = c.device.peakFlops === 'measure' ? await measurePeakFlops(backend) : c.device.peakFlops;
  const flopsPerStep = flopsPerToken(c.model, c.seqLen) * c.batchSize * c.seqLen * c.gradAccumSteps;
  const tokensPerStep = c.batchSize * c.seqLen * c.gradAccumSteps;

  /** Forward and backward of one micro-batch; returns its (unscaled) mean loss. */
  const microStep = async (batch: TokenBatch): Promise<number> => {
    const lossScale = (scaler?.scale ?? 1) / c.gradAccumSteps;
    const scaled = tidy(() => {
      const ids = tensor(batch.inputs, [batch.batchSize, batch.seqLen], 'i32', backend);
      const targets = targetsTensor(batch.targets, backend);
      return compute.forwardBackward(ids, {
        loss: lmLoss(targets, lossScale),
        checkpoint: c.activationCheckpointing,
      });
    });
    const value = (await scaled.item()) / lossScale; // the one read-back of the forward pass
    scaled.dispose();
    if (half) half.pushGrads(1 / (scaler?.scale ?? 1)); // f16 grads → f32 master grads, unscaled
    return value;
  };

  const checkpoint = (metric: number | null) =>
    ckpts.save(
      step,
      (dir) =>
        writeTrainingCheckpoint(dir, {
          model,
          optimizer,
          state: trainerState(),
          tokenizerJson: data.tokenizerJson,
        }),
      metric,
    );
  const trainerState = (): TrainerState => ({
    format: TRAINER_STATE_FORMAT,
    version: TRAINER_STATE_VERSION,
    step,
    tokensSeen,
    seconds: secondsBefore + (performance.now() - started) / 1000,
    loader: loader.state(),
    dropout: { ...compute.dropoutStream },
    lossScaler: scaler?.state() ?? null,
    bestValLoss,
    config: c,
  });
  const runEval = async () => {
    const r = await evaluate(model, valBatches, data.tokenBytes); // the f32 master weights: what is saved
    if (bestValLoss === null || r.loss < bestValLoss) bestValLoss = r.loss;
    metrics.log({ type: 'eval', step, valLoss: r.loss, valBpb: r.bpb, seconds: elapsed() });
    progress.log(
      `step ${step}: val loss ${r.loss.toFixed(4)}${r.bpb === null ? '' : `, ${r.bpb.toFixed(4)} bits/byte`}`,
    );
    await writeRunReport(
      join(c.outDir, 'report.html'),
      c,
      metrics.records,
      ckpts.list(),
      `step ${step} of ${c.steps}`,
    );
    return r;
  };
  const elapsed = () => secondsBefore + (performance.now() - started) / 1000;

  // ── 3. the loop ─────────────────────────────────────────────────────────────────────────────────
  let last: Awaited<ReturnType<typeof runEval>> | null = null;
  const losses: number[] = [];
  let trainLoss = Number.NaN;
  let rate = 0; // tokens/s, smoothed
  try {
    if (step === 0 && c.eval.every > 0) last = await runEval(); // the untrained model's loss
    progress.start(c.steps, step);
    while (step < c.steps) {
      const t0 = performance.now();
      // batch → forward → loss → backward, over gradAccumSteps micro-batches
      optimizer.setLr(schedule(step));
      half?.pull(); // master weights → f16 copy
      let loss = 0;
      for (let micro = 0; micro < c.gradAccumSteps; micro++) {
        loss += (await microStep(loader.next())) / c.gradAccumSteps;
      }
      options.onGradients?.(step + 1, model);
      // the global gradient norm: for clipping, and the finiteness check (any NaN/Inf makes it non-finite)
      const gradNorm = await globalGradNorm(model.parameters());
      step++;
      tokensSeen += tokensPerStep;
      const finite = Number.isFinite(loss) && Number.isFinite(gradNorm);
      if (scaler && !finite && scaler.scale > 1) {
        // mixed precision: an f16 overflow; skip the update, halve the loss scale
        scaler.update(false);
        progress.log(`step ${step}: gradient overflow in f16, skipped; loss scale → ${scaler.scale}`);
      } else {
        await checkFinite(model, step, loss, gradNorm); // NaN/Inf guard: throws naming the parameter
        scaler?.update(true);
        scaleGradients(model.parameters(), clipCoefficient(gradNorm, c.clipGradNorm)); // clip
        optimizer.step();
      }
      optimizer.zeroGrad();
      // log
      trainLoss = loss;
      losses.push(loss);
      const seconds = (performance.now() - t0) / 1000;
      rate = rate === 0 ? tokensPerStep / seconds : 0.9 * rate + (0.1 * tokensPerStep) / seconds;
      const mfu = peak === null ? null : ((rate / tokensPerStep) * flopsPerStep) / peak;
      progress.update(step, { loss, tokensPerSecond: rate, mfu });
      if (step % c.log.every === 0 || step === c.steps) {
        metrics.log({
          type: 'train',
          step,
          loss,
          lr: optimizer.lr,
          gradNorm,
          tokens: tokensSeen,
          tokensPerSecond: rate,
          mfu,
          lossScale: scaler?.scale ?? null,
          seconds: elapsed(),
        });
      }
      // eval, then checkpoint (with the validation loss, so the manager can keep the best)
      const done = step === c.steps || options.signal?.aborted === true;
      const evalNow = (c.eval.every > 0 && step % c.eval.every === 0) || done;
      if (evalNow) last = await runEval();
      if (step % c.checkpoint.every === 0 || done) {
        const dir = await checkpoint(evalNow ? last!.loss : null);
        progress.log(`step ${step}: checkpoint ${dir}`);
      }
      if (done) break;
    }
    if (last === null) last = await runEval(); // resumed at the last step: nothing ran
    await writeRunReport(
      join(c.outDir, 'report.html'),
      c,
      metrics.records,
      ckpts.list(),
      `finished at step ${step}`,
    );
  } finally {
    progress.stop();
    loader.close();
    half?.dispose();
    optimizer.dispose();
    model.dispose();
  }
  return {
    steps: step,
    trainLoss,
    valLoss: last!.loss,
    valBpb: last!.bpb,
    checkpoint: ckpts.latest()!.dir,
    seconds: (performance.now() - started) / 1000,
    losses,
  };
}
