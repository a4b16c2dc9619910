/**
 * `trainGrpo`: group relative policy optimisation (DeepSeekMath) with verifiable rewards — no
 * critic, no reward model: each task's checker says whether an answer is right.
 *
 * ```
 * 1. rollout    each prompt ─► a group of G answers (one prefill; the tool loop runs calls)
 * 2. reward     r_i = check(answer_i) ∈ {0, 1}   (or a reward model's score, rewardFrom 'model')
 * 3. advantage  A_i = (r_i − mean_group) / (std_group + 1e-4), the same for every token of answer i
 * 4. optimise   epochs × minibatches of: −min(ρ·A, clip(ρ, 1 − ε, 1 + ε_high)·A) + β·k3(π, π_ref)
 * ```
 *
 * A group whose answers are all right or all wrong teaches nothing (its advantages are 0): the
 * fraction of such groups is logged (TRL `frac_reward_zero_std`). As TRL's `GRPOTrainer`, the loss
 * is per-token means per answer averaged over answers (`normalize: 'sequence'`, TRL loss_type
 * 'grpo') or one mean over all tokens ('token', TRL 'bnpo'). Where we differ: `epochs` 2 (TRL
 * `num_iterations` 1) so the clipped ratio acts, β 0.04 (TRL 0) to keep the KL bounded, a higher
 * learning rate for a small model, and tool-spliced tokens are not actions. The rollout, the
 * evaluation and the result are PPO's (`common/rl-rollout.ts`, `common/rl-run.ts`), so the two
 * compare in one table.
 */
import { RandomGenerator, type Tensor, tensor, tidy } from '@llmforge/tensor-gpu';
import { EpochOrder } from '../common/epoch-order.js';
import { nextTurn } from '../common/next-turn.js';
import { clippedStep, createOptimizer } from '../common/optimizer-step.js';
import { policyOutputs } from '../common/policy-outputs.js';
import { DocumentReplay, withReplay } from '../common/replay.js';
import { collectRollouts } from '../common/rl-rollout.js';
import {
  checkRlTasks,
  evaluateRl,
  finishRl,
  loadRlModels,
  type RlEvaluation,
  type RlResult,
} from '../common/rl-run.js';
import { PostTrainingRun } from '../common/run.js';
import { packSequences, rowsTensor, type TokenSequence } from '../common/sequences.js';
import { groupAdvantages, grpoLoss } from '../losses/grpo.js';
import { TaskRandom } from '../tasks/random.js';
import { taskReward } from '../tasks/task.js';
import { type GrpoConfig, resolveGrpoConfig } from './grpo-config.js';

/** What a GRPO checkpoint keeps besides tensors. */
interface GrpoState {
  generator: { seed: number; offset: number };
  before: RlEvaluation;
}

async function host(t: Tensor): Promise<Float32Array> {
  const d = await t.data();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/**
 * Fine-tunes a policy with GRPO on checker rewards; resumable.
 *
 * @example
 * ```ts
 * const grpo = await trainGrpo({ outDir: 'runs/grpo', policy: sft.checkpointDir, tasks, heldout, groupSize: 8 });
 * console.log(grpo.successBefore, '→', grpo.successAfter, `KL ${grpo.meanKL.toFixed(2)} nats`);
 * ```
 */
export async function trainGrpo(config: GrpoConfig): Promise<RlResult> {
  const op = 'trainGrpo';
  const c = resolveGrpoConfig(config);
  checkRlTasks(op, c);
  const models = await loadRlModels(op, c);
  const { model, format } = models.policy;
  try {
    // documents are checked before the run directory is written
    const replay = DocumentReplay.create(op, model, c, {
      padId: format.endOfTurnIds[0]!,
      seed: c.seed,
      name: 'grpo',
    });
    const order = new EpochOrder(c.tasks, c.promptsPerStep, c.seed, 'grpo');
    const updatesPerStep = c.epochs * c.miniBatches;
    const run = await PostTrainingRun.open<GrpoState>({
      ...c,
      operation: op,
      algorithm: 'grpo',
      config: {
        steps: c.steps,
        promptsPerStep: c.promptsPerStep,
        groupSize: c.groupSize,
        epochs: c.epochs,
        miniBatches: c.miniBatches,
        lr: c.lr,
        beta: c.beta,
        seed: c.seed,
        rewardFrom: c.rewardFrom,
        tasks: c.tasks.length,
      },
    });
    model.train();
    const named = model.namedParameters();
    const params = named.map(([, p]) => p);
    const { optimizer, schedule } = createOptimizer(named, {
      lr: c.lr,
      betas: c.betas,
      weightDecay: c.weightDecay,
      warmupSteps: 0,
      minLr: c.lr * c.minLrFraction,
      totalSteps: c.steps * updatesPerStep,
    });
    const generator = new RandomGenerator(c.seed);
    const evalOptions = {
      maxNewTokens: c.evalMaxNewTokens,
      samples: c.evalSamples,
      seed: c.seed + 1,
      system: c.system,
    };
    let step = 0;
    let before: RlEvaluation;
    if (run.resumed) {
      await run.restore({ model, optimizer });
      step = run.resumed.state.step;
      generator.setState(run.resumed.state.data.generator);
      before = run.resumed.state.data.before;
    } else {
      before = await evaluateRl(models, c.heldout, evalOptions);
      run.log('evaluate', 0, c.steps, { success: before.success });
    }
    const padId = format.endOfTurnIds[0]!;
    const ctx = model.config.contextLength;

    /** One iteration: rollout, rewards, group advantages, then the updates. */
    const iterate = async (): Promise<Record<string, number>> => {
      const r = await collectRollouts({
        model,
        reference: models.reference,
        format,
        tasks: order.at(step),
        samplesPerPrompt: c.groupSize,
        temperature: c.temperature,
        maxNewTokens: c.maxNewTokens,
        generator,
        klEstimator: 'k1',
        system: c.system,
        signal: c.signal,
      });
      const rewards =
        c.rewardFrom === 'model'
          ? await models.rewardModel!.score(r.seqs.map((s) => s.ids))
          : r.rollouts.map((x) => taskReward(x.task, x.answer));
      const rewardsT = tensor(Float32Array.from(rewards), [rewards.length], 'f32', model.backend);
      const advantagesT = groupAdvantages(rewardsT, c.groupSize, { scale: c.scaleRewards });
      const advantages = await host(advantagesT);
      const [old, ref] = [await host(r.logProbs), await host(r.refLogProbs)];
      const seqs: TokenSequence[] = r.seqs;
      const { width } = r.batch;
      const cols = width - 1;
      const groups = rewards.length / c.groupSize;
      let flat = 0;
      for (let g = 0; g < groups; g++) {
        const group = rewards.slice(g * c.groupSize, (g + 1) * c.groupSize);
        if (group.every((x) => x === group[0])) flat++;
      }
      const stats: Record<string, number> = {
        reward: rewards.reduce((s, x) => s + x, 0) / rewards.length,
        kl: r.stats.kl,
        entropy: r.stats.entropy,
        zeroStdFraction: flat / groups,
        endedFraction: r.stats.endedFraction,
        responseLength: r.stats.responseLength,
        success: r.stats.success,
      };
      rewardsT.dispose();
      advantagesT.dispose();
      r.dispose();

      const size = Math.ceil(seqs.length / c.miniBatches);
      const sums: Record<string, number> = {};
      let updates = 0;
      for (let epoch = 0; epoch < c.epochs; epoch++) {
        const perm = new TaskRandom(c.seed, `grpo-${step}-${epoch}`).shuffle([...seqs.keys()]);
        for (let mb = 0; mb < c.miniBatches; mb++) {
          const pick = perm.slice(mb * size, (mb + 1) * size);
          if (pick.length === 0) continue;
          const batch = packSequences(
            pick.map((i) => seqs[i]!),
            { padId, backend: model.backend, contextLength: ctx, extraColumn: true, minWidth: width },
          );
          const input = {
            oldLogProbs: rowsTensor(old, cols, pick, model.backend),
            refLogProbs: rowsTensor(ref, cols, pick, model.backend),
            advantages: tensor(
              Float32Array.from(pick, (i) => advantages[i]!),
              [pick.length],
              'f32',
              model.backend,
            ),
          };
          const update = step * updatesPerStep + updates;
          optimizer.setLr(schedule(update));
          const out = tidy(() => {
            const grpo = grpoLoss({
              ...input,
              logProbs: policyOutputs(model, batch.ids, { temperature: c.temperature }).logProbs,
              mask: batch.mask,
              clipRange: c.clipRange,
              clipRangeHigh: c.clipRangeHigh,
              beta: c.beta,
              normalize: c.normalize,
            });
            return { ...grpo, ...withReplay(replay, grpo.loss, update) }; // + ptxCoef · LM loss when replaying
          });
          out.total.backward();
          const values: Record<string, number> = {
            loss: await out.loss.item(),
            clipFraction: await out.clipFraction.item(),
            ...(out.ptxLoss ? { ptxLoss: await out.ptxLoss.item() } : {}),
          };
          for (const [k, v] of Object.entries(values)) sums[k] = (sums[k] ?? 0) + v;
          for (const t of [
            out.total,
            out.loss,
            out.clipFraction,
            out.kl,
            out.ptxLoss,
            ...Object.values(input),
          ])
            t?.dispose();
          batch.dispose();
          updates++;
          await clippedStep({
            model,
            params,
            optimizer,
            clip: c.clipGradNorm,
            step: step + 1,
            loss: values.loss!,
          });
        }
      }
      for (const [k, v] of Object.entries(sums)) stats[k] = v / Math.max(updates, 1);
      stats.lr = optimizer.lr;
      stats.tokens = seqs.reduce((s, q) => s + q.ids.length, 0);
      return stats;
    };

    // ── the loop ────────────────────────────────────────────────────────────────────────────────
    let stopped = false;
    let checkpointDir = run.checkpoints.latest()?.dir ?? '';
    run.progress.start(c.steps, step);
    try {
      while (step < c.steps) {
        const t0 = performance.now();
        const figures = await iterate();
        step++;
        run.progress.update(step, {
          loss: figures.loss ?? Number.NaN,
          tokensPerSecond: figures.tokens! / ((performance.now() - t0) / 1000),
          mfu: null,
          extra: { reward: figures.reward!, kl: figures.kl! },
        });
        run.log('train', step, c.steps, figures);
        await nextTurn(); // let a timer or a Ctrl-C handler abort the signal
        stopped = c.signal?.aborted === true && step < c.steps;
        if ((c.checkpointEvery > 0 && step % c.checkpointEvery === 0) || step === c.steps || stopped) {
          checkpointDir = await run.save(step, {
            model,
            optimizer,
            tokenizerJson: models.policy.tokenizerJson,
            data: { generator: generator.getState(), before },
          });
        }
        if (stopped) break;
      }
    } finally {
      run.progress.stop();
      optimizer.dispose();
    }
    model.eval();
    const after = await evaluateRl(models, c.heldout, evalOptions);
    run.log('evaluate', step, c.steps, {
      success: after.success,
      ...(after.sampled ? { meanKl: after.sampled.meanKl } : {}),
    });
    return await finishRl(run, {
      title: 'GRPO',
      checkpointDir,
      steps: step,
      stopped,
      before,
      after,
      rewardCurve: run.curve('train', 'reward'),
      klCurve: run.curve('train', 'kl'),
      charts: [
        { title: 'loss', field: 'loss', yLabel: 'loss' },
        { title: 'clip fraction', field: 'clipFraction', yLabel: 'fraction' },
        { title: 'groups with one reward for all answers', field: 'zeroStdFraction', yLabel: 'fraction' },
        { title: 'entropy', field: 'entropy', yLabel: 'nats / token' },
      ],
    });
  } finally {
    models.dispose();
  }
}
