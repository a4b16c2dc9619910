/**
 * `trainRewardModel`: a reward model from preference pairs, with the Bradley–Terry loss.
 *
 * ```
 * tasks ─► taskPreferencePairs (reference ≻ incorrect answer) ─► render both sides
 *   per step:  chosen rows + rejected rows ─► trunk ─► head at each row's last token ─► r_c, r_r
 *              ─► −log σ(r_c − r_r − margin) + c·(r_c + r_r)² ─► backward ─► clip ─► AdamW
 *   evaluation: held-out pairs ─► accuracy (r_c > r_r) and mean margin, overall and per family
 * ```
 *
 * As TRL's `RewardTrainer` (and InstructGPT), the trunk starts from the SFT model and the pairs of
 * a batch go through the model together. Checkpoints are reward model folders (`RewardModel.load`).
 */
import { tidy } from '@llmforge/tensor-gpu';
import { badConfig } from '../common/check-config.js';
import { EpochOrder } from '../common/epoch-order.js';
import { nextTurn } from '../common/next-turn.js';
import { clippedStep, createOptimizer } from '../common/optimizer-step.js';
import { type RenderedPair, renderPair } from '../common/preference-pairs.js';
import { DocumentReplay, withReplay } from '../common/replay.js';
import { PostTrainingRun } from '../common/run.js';
import { packSequences } from '../common/sequences.js';
import { bradleyTerryLoss } from '../losses/reward-loss.js';
import { type PreferencePair, type Task, taskPreferencePairs } from '../tasks/task.js';
import { type RewardConfig, resolveRewardConfig } from './reward-config.js';
import {
  REWARD_MODEL_FORMAT,
  REWARD_MODEL_VERSION,
  RewardModel,
  type RewardModelInfo,
} from './reward-model.js';

/** Pair accuracy and margin of a reward model on some pairs. */
export interface PairEvaluation {
  /** Fraction of pairs with r_chosen > r_rejected. */
  accuracy: number;
  /** Mean of r_chosen − r_rejected. */
  meanMargin: number;
  pairs: number;
  perFamily: Record<string, { accuracy: number; pairs: number }>;
}

/** What {@link trainRewardModel} returns (plain JSON). */
export interface RewardResult {
  /** The final reward model checkpoint (`RewardModel.load` reads it; PPO takes it). */
  checkpointDir: string;
  steps: number;
  trainLoss: number;
  /** Held-out pair accuracy and mean margin, before and after training (null without held-out pairs). */
  pairAccuracyBefore: number | null;
  pairAccuracy: number | null;
  meanMargin: number | null;
  perFamily: Record<string, { accuracy: number; pairs: number }>;
  /** Training pairs. */
  pairs: number;
  lossCurve: [number, number][];
  accuracyCurve: [number, number][];
  stopped: boolean;
  seconds: number;
}

/**
 * Pair accuracy and mean margin of `rm` on rendered pairs (no gradients).
 *
 * @example
 * ```ts
 * const ev = await evaluatePairs(rm, heldoutPairs.map((p) => renderPair(rm.policy.format, p)));
 * ev.accuracy; // 0.97
 * ```
 */
export async function evaluatePairs(
  rm: RewardModel,
  pairs: readonly RenderedPair[],
): Promise<PairEvaluation> {
  const chosen = await rm.score(pairs.map((p) => p.chosen));
  const rejected = await rm.score(pairs.map((p) => p.rejected));
  const rows = pairs.map((p, i) => ({ family: p.family, gap: chosen[i]! - rejected[i]! }));
  const accuracyOf = (list: typeof rows) => list.filter((r) => r.gap > 0).length / Math.max(list.length, 1);
  const families = [...new Set(rows.map((r) => r.family))].sort();
  return {
    accuracy: accuracyOf(rows),
    meanMargin: rows.reduce((s, r) => s + r.gap, 0) / Math.max(rows.length, 1),
    pairs: rows.length,
    perFamily: Object.fromEntries(
      families.map((f) => {
        const list = rows.filter((r) => r.family === f);
        return [f, { accuracy: accuracyOf(list), pairs: list.length }];
      }),
    ),
  };
}

/**
 * Trains a reward model on preference pairs; resumable.
 *
 * @example
 * ```ts
 * const rm = await trainRewardModel({
 *   outDir: 'runs/reward',
 *   model: sft.checkpointDir,
 *   tasks: buildTasks(data, { mix: SMALL_MODEL_MIX, count: 2000, seed: 3 }),
 *   heldout: buildTasks(data, { mix: SMALL_MODEL_MIX, count: 200, seed: 2, split: 'heldout' }),
 * });
 * console.log(rm.pairAccuracy, rm.meanMargin);
 * ```
 */
export async function trainRewardModel(config: RewardConfig): Promise<RewardResult> {
  const op = 'trainRewardModel';
  const c = resolveRewardConfig(config);
  const messageOptions = c.system === undefined ? {} : { system: c.system };
  const pairsOf = (tasks: readonly Task[], extra: readonly PreferencePair[]) => [
    ...tasks.flatMap((t) => taskPreferencePairs(t, { ...messageOptions, max: c.pairsPerTask })),
    ...extra,
  ];
  const trainPairs = pairsOf(c.tasks ?? [], c.pairs ?? []);
  if (trainPairs.length === 0) {
    badConfig(
      op,
      'tasks',
      'at least one task or preference pair',
      'an empty dataset',
      'pass tasks (buildTasks) or pairs',
    );
  }
  const rm = await RewardModel.create(c.model, {
    operation: op,
    seed: c.seed,
    ...(c.backend ? { backend: c.backend } : {}),
  });
  const { format } = rm.policy;
  const train = trainPairs.map((p) => renderPair(format, p)); // ConversationError names the pair
  const heldOut = pairsOf(c.heldout ?? [], c.heldoutPairs ?? []).map((p) => renderPair(format, p));
  const context = rm.trunk.config.contextLength;
  const tooLong = [...train, ...heldOut].find(
    (p) => Math.max(p.chosen.ids.length, p.rejected.ids.length) > context,
  );
  if (tooLong) {
    badConfig(
      op,
      'tasks',
      `pairs of at most ${context} tokens (the context length)`,
      `pair ${tooLong.id}`,
      'leave that family out',
    );
  }
  // documents are checked before the run directory is written (the trunk keeps its language model)
  const replay = DocumentReplay.create(op, rm.trunk, c, {
    padId: format.endOfTurnIds[0]!,
    seed: c.seed,
    name: 'reward',
  });
  const order = new EpochOrder(train, c.batchSize, c.seed, 'reward');
  const steps = c.steps ?? Math.max(1, Math.round(c.epochs * order.stepsPerEpoch));

  const run = await PostTrainingRun.open<{ pairAccuracyBefore: number | null }>({
    ...c,
    operation: op,
    algorithm: 'reward',
    config: {
      steps,
      batchSize: c.batchSize,
      lr: c.lr,
      seed: c.seed,
      margin: c.margin,
      center: c.centerCoefficient,
    },
    progressEvery: 10,
  });
  rm.trunk.train();
  const named = rm.namedParameters();
  const params = named.map(([, p]) => p);
  const { optimizer, schedule } = createOptimizer(named, {
    lr: c.lr,
    betas: c.betas,
    weightDecay: c.weightDecay,
    warmupSteps: c.warmupSteps ?? Math.round(c.warmupFraction * steps),
    minLr: c.minLr ?? c.lr / 10,
    totalSteps: steps,
  });
  const evaluate = async (step: number) => {
    if (heldOut.length === 0) return null;
    const ev = await evaluatePairs(rm, heldOut);
    run.log('evaluate', step, steps, { pairAccuracy: ev.accuracy, meanMargin: ev.meanMargin });
    run.progress.log(
      `reward step ${step}: held-out pair accuracy ${(100 * ev.accuracy).toFixed(1)}%, mean margin ${ev.meanMargin.toFixed(3)}`,
    );
    return ev;
  };
  let step = 0;
  let pairAccuracyBefore: number | null;
  if (run.resumed) {
    await run.restore({ model: rm.trunk, heads: { reward_head: rm.head }, optimizer });
    step = run.resumed.state.step;
    pairAccuracyBefore = run.resumed.state.data.pairAccuracyBefore;
  } else {
    pairAccuracyBefore = (await evaluate(0))?.accuracy ?? null;
  }

  let trainLoss = Number.NaN;
  let last: Awaited<ReturnType<typeof evaluate>> | undefined;
  let stopped = false;
  let checkpointDir = run.checkpoints.latest()?.dir ?? '';
  const padId = format.endOfTurnIds[0]!;
  run.progress.start(steps, step);
  try {
    while (step < steps) {
      const t0 = performance.now();
      const pairs = order.at(step);
      optimizer.setLr(schedule(step));
      const batch = packSequences([...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)], {
        padId,
        backend: rm.trunk.backend,
        contextLength: context,
      });
      const out = tidy(() => {
        const r = rm.scoreBatch(batch); // (2n): chosen rows, then rejected rows
        const n = pairs.length;
        const bt = bradleyTerryLoss({
          chosen: r.narrow(0, 0, n),
          rejected: r.narrow(0, n, n),
          ...(c.margin > 0 ? { margin: pairs.map(() => c.margin) } : {}),
          centerCoefficient: c.centerCoefficient,
        });
        return { ...bt, ...withReplay(replay, bt.loss, step) }; // + ptxCoef · the trunk's LM loss when replaying
      });
      out.total.backward();
      const [loss, accuracy] = [await out.loss.item(), await out.accuracy.item()];
      const ptxLoss = out.ptxLoss ? await out.ptxLoss.item() : null;
      for (const t of [out.total, out.loss, out.accuracy, out.meanMargin, out.ptxLoss]) t?.dispose();
      batch.dispose();
      trainLoss = loss;
      step++;
      const gradNorm = await clippedStep({
        model: rm.trunk,
        params,
        optimizer,
        clip: c.clipGradNorm,
        step,
        loss,
      });
      const seconds = (performance.now() - t0) / 1000;
      run.progress.update(step, {
        loss,
        tokensPerSecond: (batch.rows * batch.width) / seconds,
        mfu: null,
        extra: { accuracy },
      });
      run.log('train', step, steps, {
        loss,
        accuracy,
        lr: optimizer.lr,
        gradNorm,
        ...(ptxLoss === null ? {} : { ptxLoss }),
      });
      await nextTurn(); // let a timer or a Ctrl-C handler abort the signal
      stopped = c.signal?.aborted === true && step < steps;
      const done = step === steps || stopped;
      if ((c.evalEvery > 0 && step % c.evalEvery === 0) || done) last = await evaluate(step);
      if ((c.checkpointEvery > 0 && step % c.checkpointEvery === 0) || done) {
        const info: RewardModelInfo = {
          format: REWARD_MODEL_FORMAT,
          version: REWARD_MODEL_VERSION,
          scoreAt: 'last-token',
          pairAccuracy: last?.accuracy ?? null,
        };
        checkpointDir = await run.save(step, {
          model: rm.trunk,
          heads: { reward_head: rm.head },
          optimizer,
          tokenizerJson: rm.policy.tokenizerJson,
          files: { 'reward_model.json': `${JSON.stringify(info, null, 2)}\n` },
          data: { pairAccuracyBefore },
        });
      }
      if (stopped) break;
    }
    if (last === undefined) last = await evaluate(step);
  } finally {
    run.progress.stop();
    optimizer.dispose();
  }
  const result: RewardResult = {
    checkpointDir,
    steps: step,
    trainLoss,
    pairAccuracyBefore,
    pairAccuracy: last?.accuracy ?? null,
    meanMargin: last?.meanMargin ?? null,
    perFamily: last?.perFamily ?? {},
    pairs: train.length,
    lossCurve: run.curve('train', 'loss'),
    accuracyCurve: run.curve('eval', 'pairAccuracy'),
    stopped,
    seconds: run.elapsed(),
  };
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  await run.finish(result, {
    title: 'Reward model',
    subtitle: `${step} steps, ${train.length} pairs`,
    charts: [
      {
        title: 'Bradley–Terry loss',
        xLabel: 'step',
        yLabel: 'loss',
        series: [{ label: 'train', points: result.lossCurve }],
      },
      {
        title: 'pair accuracy',
        xLabel: 'step',
        yLabel: 'accuracy',
        series: [
          { label: 'train batch', points: run.curve('train', 'accuracy') },
          { label: 'held-out', points: result.accuracyCurve },
        ],
      },
    ],
    table: [
      ['checkpoint', checkpointDir],
      ['held-out pair accuracy', `${pct(pairAccuracyBefore)} → ${pct(result.pairAccuracy)}`],
      ['mean margin', result.meanMargin?.toFixed(3) ?? 'n/a'],
      ...Object.entries(result.perFamily).map(([f, r]): [string, string] => [
        `  ${f}`,
        `${pct(r.accuracy)} of ${r.pairs}`,
      ]),
      ['seconds', result.seconds.toFixed(1)],
    ],
  });
  rm.dispose();
  return result;
}
