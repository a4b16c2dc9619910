/**
 * `trainDpo`: direct preference optimisation (Rafailov et al. 2023) — the policy learns from
 * preference pairs directly, with the frozen starting policy as the reference and no reward model
 * or sampling in the loop.
 *
 * ```
 * tasks ─► taskPreferencePairs (reference ≻ incorrect answer) ─► render both sides
 *   per step:  chosen + rejected rows ─► policy log-probs (grad), reference log-probs (no grad)
 *              ─► sums over each response's tokens ─► −log σ(β·Δ) ─► backward ─► clip ─► AdamW
 *              Δ = (log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))
 * ```
 *
 * As TRL's `DPOTrainer` (sigmoid loss, β 0.1, optional label smoothing); it logs the implicit
 * rewards β·(log π − log π_ref) of both sides, their accuracy and margin. It is judged like PPO and
 * GRPO (`common/rl-run.ts`): greedy held-out success before and after, and KL to the reference and
 * reward of sampled held-out answers. Its `klCurve` comes from those evaluations (`evalEvery`),
 * since DPO samples nothing while it trains; its `rewardCurve` is the implicit-reward margin.
 */
import { noGrad, tidy } from '@llmforge/tensor-gpu';
import { badConfig } from '../common/check-config.js';
import { EpochOrder } from '../common/epoch-order.js';
import { nextTurn } from '../common/next-turn.js';
import { clippedStep, createOptimizer } from '../common/optimizer-step.js';
import { policyOutputs } from '../common/policy-outputs.js';
import { renderPair } from '../common/preference-pairs.js';
import { DocumentReplay, withReplay } from '../common/replay.js';
import { evaluateRl, finishRl, loadRlModels, type RlEvaluation, type RlResult } from '../common/rl-run.js';
import { PostTrainingRun } from '../common/run.js';
import { packSequences } from '../common/sequences.js';
import { dpoLoss, sequenceLogProbs } from '../losses/dpo.js';
import { taskPreferencePairs } from '../tasks/task.js';
import { type DpoConfig, resolveDpoConfig } from './dpo-config.js';

/**
 * Fine-tunes a policy on preference pairs with DPO; resumable.
 *
 * @example
 * ```ts
 * const dpo = await trainDpo({ outDir: 'runs/dpo', policy: sft.checkpointDir, tasks, heldout, beta: 0.1 });
 * console.log(dpo.successBefore, '→', dpo.successAfter, `KL ${dpo.meanKL.toFixed(2)} nats`);
 * ```
 */
export async function trainDpo(config: DpoConfig): Promise<RlResult> {
  const op = 'trainDpo';
  const c = resolveDpoConfig(config);
  const messageOptions = c.system === undefined ? {} : { system: c.system };
  const pairs = [
    ...(c.tasks ?? []).flatMap((t) => taskPreferencePairs(t, { ...messageOptions, max: c.pairsPerTask })),
    ...(c.pairs ?? []),
  ];
  if (pairs.length === 0) badConfig(op, 'tasks', 'at least one task or preference pair', 'an empty dataset');
  if (c.heldout.length === 0) badConfig(op, 'heldout', 'at least one held-out task', 'an empty dataset');
  const models = await loadRlModels(op, c);
  const { model, format } = models.policy;
  try {
    const rendered = pairs.map((p) => renderPair(format, p)); // ConversationError names the pair
    const replay = DocumentReplay.create(op, model, c, {
      padId: format.endOfTurnIds[0]!,
      seed: c.seed,
      name: 'dpo',
    });
    const ctx = model.config.contextLength;
    const tooLong = rendered.find((p) => Math.max(p.chosen.ids.length, p.rejected.ids.length) > ctx);
    if (tooLong)
      badConfig(op, 'tasks', `pairs of at most ${ctx} tokens (the context length)`, `pair ${tooLong.id}`);
    const order = new EpochOrder(rendered, c.batchSize, c.seed, 'dpo');
    const steps = c.steps ?? Math.max(1, Math.round(c.epochs * order.stepsPerEpoch));
    const run = await PostTrainingRun.open<{ before: RlEvaluation }>({
      ...c,
      operation: op,
      algorithm: 'dpo',
      config: { steps, batchSize: c.batchSize, lr: c.lr, beta: c.beta, seed: c.seed, pairs: rendered.length },
      progressEvery: 10,
    });
    model.train();
    const named = model.namedParameters();
    const params = named.map(([, p]) => p);
    const { optimizer, schedule } = createOptimizer(named, {
      lr: c.lr,
      betas: c.betas,
      weightDecay: c.weightDecay,
      warmupSteps: Math.round(c.warmupFraction * steps),
      minLr: c.lr * c.minLrFraction,
      totalSteps: steps,
    });
    const evalOptions = {
      maxNewTokens: c.evalMaxNewTokens,
      samples: c.evalSamples,
      seed: c.seed + 1,
      system: c.system,
    };
    const evaluate = async (at: number) => {
      model.eval();
      const ev = await evaluateRl(models, c.heldout, evalOptions);
      model.train();
      run.log('evaluate', at, steps, {
        success: ev.success,
        meanKl: ev.sampled?.meanKl ?? 0,
        ...(ev.sampled?.meanReward == null ? {} : { reward: ev.sampled.meanReward }),
      });
      return ev;
    };
    let step = 0;
    let before: RlEvaluation;
    if (run.resumed) {
      await run.restore({ model, optimizer });
      step = run.resumed.state.step;
      before = run.resumed.state.data.before;
    } else {
      before = await evaluate(0);
    }

    const padId = format.endOfTurnIds[0]!;
    let stopped = false;
    let checkpointDir = run.checkpoints.latest()?.dir ?? '';
    let after: RlEvaluation | null = null;
    run.progress.start(steps, step);
    try {
      while (step < steps) {
        const t0 = performance.now();
        const batchPairs = order.at(step);
        const n = batchPairs.length;
        const batch = packSequences(
          [...batchPairs.map((p) => p.chosen), ...batchPairs.map((p) => p.rejected)],
          {
            padId,
            backend: model.backend,
            contextLength: ctx,
          },
        );
        optimizer.setLr(schedule(step));
        const ref = noGrad(() =>
          tidy(() => sequenceLogProbs(policyOutputs(models.reference, batch.ids).logProbs, batch.mask)),
        );
        const out = tidy(() => {
          const seq = sequenceLogProbs(policyOutputs(model, batch.ids).logProbs, batch.mask); // (2n)
          const dpo = dpoLoss({
            policyChosen: seq.narrow(0, 0, n),
            policyRejected: seq.narrow(0, n, n),
            refChosen: ref.narrow(0, 0, n),
            refRejected: ref.narrow(0, n, n),
            beta: c.beta,
            labelSmoothing: c.labelSmoothing,
            ...(c.rpoAlpha > 0
              ? { rpoAlpha: c.rpoAlpha, chosenLengths: batch.mask.narrow(0, 0, n).sum(1) }
              : {}),
          });
          return { ...dpo, ...withReplay(replay, dpo.loss, step) }; // + ptxCoef · LM loss when replaying
        });
        out.total.backward();
        const figures: Record<string, number> = {
          loss: await out.loss.item(),
          accuracy: await out.accuracy.item(),
          margin: await out.margin.item(),
          chosenReward: await noGrad(() => tidy(() => out.chosenRewards.mean())).item(),
          rejectedReward: await noGrad(() => tidy(() => out.rejectedRewards.mean())).item(),
          ...(out.ptxLoss ? { ptxLoss: await out.ptxLoss.item() } : {}),
        };
        for (const t of [ref, ...Object.values(out)]) t?.dispose();
        batch.dispose();
        step++;
        figures.gradNorm = await clippedStep({
          model,
          params,
          optimizer,
          clip: c.clipGradNorm,
          step,
          loss: figures.loss!,
        });
        figures.lr = optimizer.lr;
        run.progress.update(step, {
          loss: figures.loss!,
          tokensPerSecond: (batch.rows * batch.width) / ((performance.now() - t0) / 1000),
          mfu: null,
          extra: { accuracy: figures.accuracy!, margin: figures.margin! },
        });
        run.log('train', step, steps, figures);
        await nextTurn(); // let a timer or a Ctrl-C handler abort the signal
        stopped = c.signal?.aborted === true && step < steps;
        const done = step === steps || stopped;
        if (c.evalEvery > 0 && step % c.evalEvery === 0 && !done) await evaluate(step);
        if ((c.checkpointEvery > 0 && step % c.checkpointEvery === 0) || done) {
          checkpointDir = await run.save(step, {
            model,
            optimizer,
            tokenizerJson: models.policy.tokenizerJson,
            data: { before },
          });
        }
        if (stopped) break;
      }
    } finally {
      run.progress.stop();
      optimizer.dispose();
    }
    after = await evaluate(step);
    return await finishRl(run, {
      title: 'DPO',
      checkpointDir,
      steps: step,
      stopped,
      before,
      after,
      rewardCurve: run.curve('train', 'margin'),
      klCurve: run.curve('eval', 'meanKl'),
      charts: [
        { title: 'DPO loss', field: 'loss', yLabel: 'loss' },
        { title: 'implicit reward accuracy', field: 'accuracy', yLabel: 'fraction' },
        { title: 'implicit reward of the chosen answers', field: 'chosenReward', yLabel: 'β·log ratio' },
        { title: 'implicit reward of the rejected answers', field: 'rejectedReward', yLabel: 'β·log ratio' },
      ],
    });
  } finally {
    models.dispose();
  }
}
