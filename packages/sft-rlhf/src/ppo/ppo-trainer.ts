/**
 * `trainPpo`: reinforcement learning from a reward model with proximal policy optimisation, as
 * TRL's PPO (`trl.experimental.ppo`) does it. One iteration:
 *
 * ```
 * 1. rollout    prompts ─► policy samples (several per prompt, one prefill; the tool loop runs calls)
 * 2. score      reward model at each answer's last token; − missingEosPenalty if it never ended
 * 3. evaluate   (no grad) old log-probs, values and entropy (policy), log-probs (frozen reference)
 * 4. rewards    r_t = −klCoef·KL_t (k1 by default) on every action, + score on the column after
 *               the last action (TRL: "the token after the last response token")
 * 5. GAE        advantages and returns (γ = 1, λ = 0.95) over the actions and the score column;
 *               advantages whitened over the actions
 * 6. optimise   epochs × minibatches of: clipped ratio loss + vfCoef · clipped value loss
 * ```
 *
 * The critic is a value head on the policy's own last hidden states (a shared trunk). TRL keeps a
 * separate value model initialised from the reward model; we share the trunk because on two CPU
 * cores it halves the cost of every update and of the rollout's evaluation pass (one forward and
 * backward per minibatch instead of two), and because the 0.1 value coefficient keeps the value
 * gradient small beside the policy's. The head starts at zero (values 0, so early advantages are
 * the rewards themselves).
 *
 * Where else we differ from TRL, and why:
 * - `samplesPerPrompt` 2 (TRL 1): samples of one prompt share its prefill, so they are cheap.
 * - temperature 1 (TRL 0.7): the policy's own distribution, so log-probs need no rescaling.
 * - lr 1e-4 with cosine decay to 0.1·lr (TRL 3e-6, linear to 0): a ~1M-parameter model.
 * - `missingEosPenalty` 1 by default (TRL: off): an answer that never ends cannot be checked.
 * - Tokens the tool loop splices in (a calculator's result) are not actions: no KL, no policy
 *   loss, and GAE steps over them.
 * - Means over empty masks are 0, not NaN; minibatches are not split further into accumulation
 *   steps.
 */
import { RandomGenerator, tensor, tidy } from '@llmforge/tensor-gpu';
import { ScalarHead } from '@llmforge/transformer';
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
  hostFloats,
  loadRlModels,
  type RlEvaluation,
  type RlResult,
} from '../common/rl-run.js';
import { PostTrainingRun } from '../common/run.js';
import { packSequences, rowsTensor, type TokenSequence } from '../common/sequences.js';
import { gae } from '../losses/gae.js';
import { maskedWhiten } from '../losses/masked.js';
import { ppoLoss, tokenRewards } from '../losses/ppo.js';
import { TaskRandom } from '../tasks/random.js';
import { type PpoConfig, resolvePpoConfig } from './ppo-config.js';

/** What a PPO checkpoint keeps besides tensors. */
interface PpoState {
  generator: { seed: number; offset: number };
  before: RlEvaluation;
}

/** A rollout batch with everything the updates need, per (row, column), on the host. */
interface RolloutBatch {
  seqs: TokenSequence[];
  width: number;
  oldLogProbs: Float32Array;
  oldValues: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  valueMask: Float32Array;
  /** The iteration's figures. */
  stats: Record<string, number>;
}

/**
 * Fine-tunes a policy against a reward model with PPO; resumable (a resumed run equals an
 * uninterrupted one: the checkpoint holds the policy, the value head, AdamW's state and the
 * sampling stream).
 *
 * @example
 * ```ts
 * const ppo = await trainPpo({
 *   outDir: 'runs/ppo',
 *   policy: sft.checkpointDir,
 *   rewardModel: rm.checkpointDir,
 *   tasks: buildTasks(data, { mix: SMALL_MODEL_MIX, count: 1000, seed: 4 }),
 *   heldout,
 *   steps: 40,
 * });
 * console.log(ppo.successBefore, '→', ppo.successAfter, `KL ${ppo.meanKL.toFixed(2)} nats`);
 * ```
 */
export async function trainPpo(config: PpoConfig): Promise<RlResult> {
  const op = 'trainPpo';
  const c = resolvePpoConfig(config);
  checkRlTasks(op, c);
  const models = await loadRlModels(op, c);
  const { model, format } = models.policy;
  const rm = models.rewardModel!;
  const valueHead = new ScalarHead(model.config.nEmbd, { backend: model.backend, seed: c.seed, std: 0 });
  try {
    // documents are checked before the run directory is written
    const replay = DocumentReplay.create(op, model, c, {
      padId: format.endOfTurnIds[0]!,
      seed: c.seed,
      name: 'ppo',
    });
    const order = new EpochOrder(c.tasks, c.promptsPerStep, c.seed, 'ppo');
    const updatesPerStep = c.epochs * c.miniBatches;
    const run = await PostTrainingRun.open<PpoState>({
      ...c,
      operation: op,
      algorithm: 'ppo',
      config: {
        steps: c.steps,
        promptsPerStep: c.promptsPerStep,
        samplesPerPrompt: c.samplesPerPrompt,
        epochs: c.epochs,
        miniBatches: c.miniBatches,
        lr: c.lr,
        klCoef: c.klCoef,
        seed: c.seed,
        tasks: c.tasks.length,
      },
    });
    model.train();
    const named = [
      ...model.namedParameters(),
      ...valueHead.namedParameters().map(([n, p]): [string, typeof p] => [`value_head.${n}`, p]),
    ];
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
      await run.restore({ model, heads: { value_head: valueHead }, optimizer });
      step = run.resumed.state.step;
      generator.setState(run.resumed.state.data.generator);
      before = run.resumed.state.data.before;
    } else {
      before = await evaluateRl(models, c.heldout, evalOptions);
      run.log('evaluate', 0, c.steps, {
        success: before.success,
        ...(before.sampled ? { reward: before.sampled.meanReward ?? 0 } : {}),
      });
    }
    const padId = format.endOfTurnIds[0]!;
    const ctx = model.config.contextLength;

    /** Steps 1–5: rollout, score, evaluate, rewards, GAE. */
    const collect = async (): Promise<RolloutBatch> => {
      const r = await collectRollouts({
        model,
        reference: models.reference,
        format,
        tasks: order.at(step),
        samplesPerPrompt: c.samplesPerPrompt,
        temperature: c.temperature,
        maxNewTokens: c.maxNewTokens,
        generator,
        klEstimator: c.klEstimator,
        valueHead,
        system: c.system,
        signal: c.signal,
      });
      const { batch } = r;
      const rawScores = await rm.score(r.seqs.map((s) => s.ids));
      const scores = rawScores.map((s, i) =>
        r.rollouts[i]!.finishReason === 'stop' ? s : s - c.missingEosPenalty,
      );
      const cols = batch.width - 1;
      const valueMaskArray = Float32Array.from(batch.maskArray);
      batch.scoreColumn.forEach((col, b) => {
        valueMaskArray[b * cols + col] = 1; // the score's column (TRL's mask "p1")
      });
      const valueMask = tensor(valueMaskArray, [batch.rows, cols], 'f32', model.backend);
      const rewards = tokenRewards(r.kl, scores, batch.scoreColumn, { klCoef: c.klCoef });
      const values = r.values!.mul(valueMask);
      const { advantages, returns } = await gae(rewards, values, valueMask, {
        gamma: c.gamma,
        lambda: c.lambda,
      });
      const whitened = c.whitenAdvantages ? maskedWhiten(advantages, batch.mask) : advantages.mul(batch.mask);
      const result: RolloutBatch = {
        seqs: r.seqs,
        width: batch.width,
        oldLogProbs: await hostFloats(r.logProbs.clone()),
        oldValues: await hostFloats(values),
        advantages: await hostFloats(whitened),
        returns: await hostFloats(returns),
        valueMask: valueMaskArray,
        stats: {},
      };
      for (const t of [valueMask, rewards, advantages]) t.dispose();
      r.dispose();
      // explained variance of the old values over the value mask: 1 − Var(R − V) / Var(R)
      const { returns: R, oldValues: V } = result;
      const n = valueMaskArray.reduce((sum, m) => sum + m, 0);
      const meanOf = (f: (i: number) => number) => {
        let sum = 0;
        for (let i = 0; i < R.length; i++) if (valueMaskArray[i] === 1) sum += f(i);
        return sum / Math.max(n, 1);
      };
      const muR = meanOf((i) => R[i]!);
      const muD = meanOf((i) => R[i]! - V[i]!);
      const varR = meanOf((i) => (R[i]! - muR) ** 2);
      const varD = meanOf((i) => (R[i]! - V[i]! - muD) ** 2);
      const mean = (xs: readonly number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
      result.stats = {
        reward: mean(scores), // TRL objective/scores
        rawScore: mean(rawScores),
        kl: r.stats.kl, // TRL objective/kl: mean over answers of Σ KL
        nonScoreReward: -c.klCoef * r.stats.kl, // TRL objective/non_score_reward
        rlhfReward: mean(scores) - c.klCoef * r.stats.kl, // TRL objective/rlhf_reward
        entropy: r.stats.entropy, // mean per-token entropy of the sampling distribution
        explainedVariance: varR > 0 ? 1 - varD / varR : 0,
        endedFraction: r.stats.endedFraction, // TRL val/num_eos_tokens, as a fraction
        responseLength: r.stats.responseLength,
        success: r.stats.success, // the checkers' verdict on the rollouts, for information
      };
      return result;
    };

    /** Step 6: epochs × minibatches of the clipped PPO loss. */
    const optimise = async (rb: RolloutBatch): Promise<Record<string, number>> => {
      const rows = rb.seqs.length;
      const cols = rb.width - 1;
      const size = Math.ceil(rows / c.miniBatches);
      const sums: Record<string, number> = {};
      let updates = 0;
      for (let epoch = 0; epoch < c.epochs; epoch++) {
        const perm = new TaskRandom(c.seed, `ppo-${step}-${epoch}`).shuffle([...Array(rows).keys()]);
        for (let mb = 0; mb < c.miniBatches; mb++) {
          const pick = perm.slice(mb * size, (mb + 1) * size);
          if (pick.length === 0) continue;
          const batch = packSequences(
            pick.map((i) => rb.seqs[i]!),
            { padId, backend: model.backend, contextLength: ctx, extraColumn: true, minWidth: rb.width },
          );
          const slice = (data: Float32Array) => rowsTensor(data, cols, pick, model.backend);
          const input = {
            oldLogProbs: slice(rb.oldLogProbs),
            advantages: slice(rb.advantages),
            oldValues: slice(rb.oldValues),
            returns: slice(rb.returns),
            valueMask: slice(rb.valueMask),
          };
          const update = step * updatesPerStep + updates;
          optimizer.setLr(schedule(update));
          const out = tidy(() => {
            const cur = policyOutputs(model, batch.ids, { temperature: c.temperature, valueHead });
            const ppo = ppoLoss({
              ...input,
              logProbs: cur.logProbs,
              values: cur.values!,
              mask: batch.mask,
              clipRange: c.clipRange,
              clipRangeValue: c.clipRangeValue,
              vfCoef: c.vfCoef,
            });
            return { ...ppo, ...withReplay(replay, ppo.loss, update) }; // PPO-ptx when replaying
          });
          out.total.backward();
          const figures = {
            loss: out.loss,
            policyLoss: out.policyLoss,
            valueLoss: out.valueLoss,
            clipFraction: out.clipFraction,
            valueClipFraction: out.valueClipFraction,
            approxKl: out.approxKl,
            ratio: out.ratioMean,
            ...(out.ptxLoss ? { ptxLoss: out.ptxLoss } : {}),
          };
          const values: Record<string, number> = {};
          for (const [k, t] of Object.entries(figures)) values[k] = await t.item();
          for (const [k, v] of Object.entries(values)) sums[k] = (sums[k] ?? 0) + v;
          for (const t of new Set([...Object.values(out), ...Object.values(input)])) t?.dispose();
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
      return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(updates, 1)]));
    };

    // ── the loop ────────────────────────────────────────────────────────────────────────────────
    let stopped = false;
    let checkpointDir = run.checkpoints.latest()?.dir ?? '';
    run.progress.start(c.steps, step);
    try {
      while (step < c.steps) {
        const t0 = performance.now();
        const rb = await collect();
        const losses = await optimise(rb);
        step++;
        const figures: Record<string, number> = { ...rb.stats, ...losses, lr: optimizer.lr };
        const seconds = (performance.now() - t0) / 1000;
        const tokens = rb.seqs.reduce((s, q) => s + q.ids.length, 0);
        run.progress.update(step, {
          loss: losses.loss ?? Number.NaN,
          tokensPerSecond: tokens / seconds,
          mfu: null,
          extra: { reward: figures.reward!, kl: figures.kl!, success: figures.success! },
        });
        run.log('train', step, c.steps, figures);
        await nextTurn(); // let a timer or a Ctrl-C handler abort the signal
        stopped = c.signal?.aborted === true && step < c.steps;
        if ((c.checkpointEvery > 0 && step % c.checkpointEvery === 0) || step === c.steps || stopped) {
          checkpointDir = await run.save(step, {
            model,
            heads: { value_head: valueHead },
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
      ...(after.sampled ? { meanKl: after.sampled.meanKl, reward: after.sampled.meanReward ?? 0 } : {}),
    });
    return await finishRl(run, {
      title: 'PPO',
      checkpointDir,
      steps: step,
      stopped,
      before,
      after,
      rewardCurve: run.curve('train', 'reward'),
      klCurve: run.curve('train', 'kl'),
      charts: [
        { title: 'policy loss', field: 'policyLoss', yLabel: 'loss' },
        { title: 'value loss', field: 'valueLoss', yLabel: 'loss' },
        { title: 'clip fraction', field: 'clipFraction', yLabel: 'fraction' },
        { title: 'approximate KL (policy vs rollout)', field: 'approxKl', yLabel: 'nats / token' },
        { title: 'entropy', field: 'entropy', yLabel: 'nats / token' },
        { title: 'explained variance', field: 'explainedVariance', yLabel: '1 − Var(R − V)/Var(R)' },
      ],
    });
  } finally {
    valueHead.dispose();
    models.dispose();
  }
}
