/**
 * What PPO, GRPO and DPO share around their loops, so that their results compare in one table:
 *
 * - the models: the policy (a copy of the SFT model that is trained), a frozen reference copy of
 *   it, and optionally a reward model, which must share the policy's tokenizer;
 * - the evaluation before and after training, identical for the three: greedy checker-judged
 *   success on held-out tasks (overall and per family), and on sampled answers to the same tasks
 *   the KL to the reference (nats per sequence) and the reward model's mean score;
 * - the result ({@link RlResult}) and the report.
 */
import type { Backend, Tensor } from '@llmforge/tensor-gpu';
import { defaultBackend } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { evaluateTasks, type JudgedAnswer, type SuccessRate } from '../evaluate/evaluate-tasks.js';
import { type SampledAnswers, sampleAnswers } from '../evaluate/sampled-answers.js';
import { RewardModel } from '../reward/reward-model.js';
import type { Task } from '../tasks/task.js';
import { badConfig } from './check-config.js';
import { checkSameTokenizer, frozenCopy, loadPolicy, type ModelSource, type Policy } from './policy.js';
import type { Algorithm, PostTrainingRun } from './run.js';

/** The models of an RL run. */
export interface RlModels {
  /** The policy being trained (the trainer's own copy). */
  policy: Policy;
  /** A frozen copy of the starting policy. */
  reference: Model;
  rewardModel: RewardModel | null;
  /** Frees what the trainer loaded (not a reward model passed in memory). */
  dispose(): void;
}

/**
 * Loads the policy and the reward model, checks they share a tokenizer, copies the reference.
 *
 * @example
 * ```ts
 * const models = await loadRlModels('trainPpo', { policy: sft.checkpointDir, rewardModel: rm.checkpointDir });
 * ```
 */
export async function loadRlModels(
  operation: string,
  o: { policy: ModelSource; rewardModel?: string | RewardModel | undefined; backend?: Backend | undefined },
): Promise<RlModels> {
  const backend = o.backend ?? (typeof o.policy === 'string' ? defaultBackend() : o.policy.model.backend);
  let rewardModel: RewardModel | null = null;
  if (typeof o.rewardModel === 'string')
    rewardModel = await RewardModel.load(o.rewardModel, { backend, operation });
  else if (o.rewardModel) rewardModel = o.rewardModel;
  const policy = await loadPolicy(o.policy, { operation, backend });
  if (rewardModel) checkSameTokenizer(operation, policy, rewardModel.policy);
  const reference = frozenCopy(policy.model);
  const owned = typeof o.rewardModel === 'string';
  return {
    policy,
    reference,
    rewardModel,
    dispose() {
      policy.model.dispose();
      reference.dispose();
      if (owned) rewardModel?.dispose();
    },
  };
}

/** The prompt sets every RL trainer needs, both non-empty: training tasks and held-out tasks. */
export function checkRlTasks(
  operation: string,
  c: { tasks: readonly Task[]; heldout: readonly Task[] },
): void {
  if (c.tasks.length === 0) badConfig(operation, 'tasks', 'at least one task (prompt)', 'an empty dataset');
  if (c.heldout.length === 0)
    badConfig(operation, 'heldout', 'at least one held-out task', 'an empty dataset');
}

/** Host copy of a rollout tensor as f32; the tensor is disposed. */
export async function hostFloats(t: Tensor): Promise<Float32Array> {
  const d = await t.data();
  t.dispose();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/** One evaluation of an RL policy (plain JSON). */
export interface RlEvaluation {
  /** Greedy, checker-judged success on the held-out tasks. */
  success: number;
  perFamily: Record<string, SuccessRate>;
  samples: JudgedAnswer[];
  /** KL to the reference, reward and checker success of sampled answers (null when skipped). */
  sampled: SampledAnswers | null;
}

/** Settings of {@link evaluateRl}. */
export interface RlEvaluationOptions {
  maxNewTokens: number;
  /** Sampled answers per held-out task for KL and reward (0 skips them). */
  samples: number;
  seed: number;
  system?: string | undefined;
}

/**
 * Evaluates the policy on held-out tasks: greedy success, then (with `samples` > 0) KL to the
 * reference and reward of sampled answers.
 *
 * @example
 * ```ts
 * const before = await evaluateRl(models, heldout, { maxNewTokens: 32, samples: 1, seed: 0 });
 * ```
 */
export async function evaluateRl(
  models: RlModels,
  heldout: readonly Task[],
  o: RlEvaluationOptions,
): Promise<RlEvaluation> {
  const system = o.system === undefined ? {} : { system: o.system };
  const { model, format } = models.policy;
  const greedy = await evaluateTasks(model, format, heldout, {
    maxNewTokens: o.maxNewTokens,
    keepSamples: 12,
    ...system,
  });
  const rm = models.rewardModel;
  const sampled =
    o.samples > 0
      ? await sampleAnswers(model, models.reference, format, heldout, {
          samplesPerPrompt: o.samples,
          maxNewTokens: o.maxNewTokens,
          seed: o.seed,
          ...system,
          ...(rm ? { score: (ids: number[][]) => rm.score(ids) } : {}),
        })
      : null;
  return { success: greedy.success, perFamily: greedy.perFamily, samples: greedy.samples, sampled };
}

/** What `trainPpo`, `trainGrpo` and `trainDpo` return (plain JSON, for `report.json`). */
export interface RlResult {
  algorithm: Algorithm;
  /** The final policy checkpoint (HF layout + tokenizer.json). */
  checkpointDir: string;
  steps: number;
  /** Greedy, checker-judged success on the held-out tasks before (the SFT model) and after. */
  successBefore: number;
  successAfter: number;
  /** Mean KL to the reference, nats per sequence (k1 summed over sampled held-out answers). */
  meanKL: number;
  /** The same with the k3 estimator. */
  meanKLk3: number;
  /** Mean reward model score of sampled held-out answers, before and after (null without one). */
  rewardBefore: number | null;
  rewardAfter: number | null;
  /** Checker success of sampled (not greedy) held-out answers, before and after. */
  sampledSuccessBefore: number | null;
  sampledSuccessAfter: number | null;
  /** Greedy success per task family before and after, and the held-out tasks per family. */
  perFamily: {
    before: Record<string, number>;
    after: Record<string, number>;
    total: Record<string, number>;
  };
  /** The mean reward of each training step's rollouts, step 1 first (PPO: RM score; GRPO: checker; DPO: implicit-reward margin). */
  rewardCurve: number[];
  /** The mean KL to the reference of each step's samples, nats per sequence (DPO: at each evaluation). */
  klCurve: number[];
  samplesBefore: JudgedAnswer[];
  samplesAfter: JudgedAnswer[];
  stopped: boolean;
  seconds: number;
}

/** Builds the result, writes result.json and report.html. */
export async function finishRl<S>(
  run: PostTrainingRun<S>,
  o: {
    title: string;
    checkpointDir: string;
    steps: number;
    stopped: boolean;
    before: RlEvaluation;
    after: RlEvaluation;
    rewardCurve: [number, number][];
    klCurve: [number, number][];
    charts?: { title: string; field: string; yLabel: string }[];
  },
): Promise<RlResult> {
  const { before, after } = o;
  const families = [...new Set([...Object.keys(before.perFamily), ...Object.keys(after.perFamily)])].sort();
  const result: RlResult = {
    algorithm: run.algorithm,
    checkpointDir: o.checkpointDir,
    steps: o.steps,
    successBefore: before.success,
    successAfter: after.success,
    meanKL: after.sampled?.meanKl ?? 0,
    meanKLk3: after.sampled?.meanKlK3 ?? 0,
    rewardBefore: before.sampled?.meanReward ?? null,
    rewardAfter: after.sampled?.meanReward ?? null,
    sampledSuccessBefore: before.sampled?.checkerSuccess ?? null,
    sampledSuccessAfter: after.sampled?.checkerSuccess ?? null,
    perFamily: {
      before: Object.fromEntries(families.map((f) => [f, before.perFamily[f]?.success ?? 0])),
      after: Object.fromEntries(families.map((f) => [f, after.perFamily[f]?.success ?? 0])),
      total: Object.fromEntries(
        families.map((f) => [f, after.perFamily[f]?.total ?? before.perFamily[f]?.total ?? 0]),
      ),
    },
    rewardCurve: o.rewardCurve.map(([, v]) => v),
    klCurve: o.klCurve.map(([, v]) => v),
    samplesBefore: before.samples,
    samplesAfter: after.samples,
    stopped: o.stopped,
    seconds: run.elapsed(),
  };
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  const num = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  await run.finish(result, {
    title: o.title,
    subtitle: `${o.steps} steps, ${result.seconds.toFixed(0)} s`,
    charts: [
      {
        title: 'reward',
        xLabel: 'step',
        yLabel: 'reward',
        series: [{ label: 'reward', points: o.rewardCurve }],
      },
      {
        title: 'KL to the reference',
        xLabel: 'step',
        yLabel: 'nats / sequence',
        series: [{ label: 'KL', points: o.klCurve }],
      },
      ...(o.charts ?? []).map((ch) => ({
        title: ch.title,
        xLabel: 'step',
        yLabel: ch.yLabel,
        series: [{ label: ch.field, points: run.curve('train', ch.field) }],
      })),
    ],
    table: [
      ['checkpoint', o.checkpointDir],
      ['held-out success (greedy)', `${pct(result.successBefore)} → ${pct(result.successAfter)}`],
      ['sampled success', `${pct(result.sampledSuccessBefore)} → ${pct(result.sampledSuccessAfter)}`],
      ['reward model score', `${num(result.rewardBefore)} → ${num(result.rewardAfter)}`],
      [
        'KL to the reference (nats/sequence)',
        `${result.meanKL.toFixed(3)} (k3 ${result.meanKLk3.toFixed(3)})`,
      ],
      ...families.map((f): [string, string] => {
        const { before: b, after: a, total: t } = result.perFamily;
        return [`  ${f}`, `${pct(b[f]!)} → ${pct(a[f]!)} of ${t[f]}`];
      }),
      ['seconds', result.seconds.toFixed(1)],
    ],
  });
  return result;
}
