/**
 * What a policy's *sampled* answers say about it, next to the greedy task success: how far it has
 * moved from the reference policy, and what the reward model and the checkers think of them.
 *
 * ```
 * KL(π ‖ π_ref) per sequence ≈ mean over sampled answers y ~ π of Σ_t (log π(y_t | ..) − log π_ref(y_t | ..))
 * ```
 *
 * The sum of k1 over an answer sampled from π is an unbiased estimate of the sequence-level KL
 * (the quantity the "< 5 nats per sequence" bounds, and what TRL logs as `objective/kl`);
 * k3 (always ≥ 0, lower variance) is reported beside it. Tokens spliced in by the tool loop are
 * not the policy's and are left out.
 */
import { noGrad, RandomGenerator } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import type { ChatFormat } from '../chat/chat-format.js';
import { policyOutputs } from '../common/policy-outputs.js';
import { rolloutSequence, sampleRollouts } from '../common/rollout.js';
import { packSequences } from '../common/sequences.js';
import { type Task, taskReward } from '../tasks/task.js';

/** What {@link sampleAnswers} measures (plain JSON). */
export interface SampledAnswers {
  /** Mean over answers of Σ k1 (nats per sequence). */
  meanKl: number;
  /** Mean over answers of Σ k3. */
  meanKlK3: number;
  /** Mean reward model score of the answers (null without a scorer). */
  meanReward: number | null;
  /** Fraction of sampled answers the checkers accept. */
  checkerSuccess: number;
  /** Mean generated tokens per answer. */
  meanLength: number;
  answers: number;
}

/** Options of {@link sampleAnswers}. */
export interface SampleAnswersOptions {
  samplesPerPrompt?: number;
  temperature?: number;
  maxNewTokens?: number;
  /** Seed of the sampling stream (default 0): the same answers for the same policy. */
  seed?: number;
  system?: string;
  /** Scores id sequences (a reward model's `score`). */
  score?: (ids: number[][]) => Promise<number[]>;
  /** Rows per forward pass (default 32). */
  batchSize?: number;
}

/**
 * Samples answers to `tasks` from `policy` and measures KL to `reference`, reward and success.
 *
 * @example
 * ```ts
 * const s = await sampleAnswers(policy, reference, format, heldOut, { score: (ids) => rm.score(ids) });
 * console.log(`${s.meanKl.toFixed(2)} nats/sequence, reward ${s.meanReward}`);
 * ```
 */
export async function sampleAnswers(
  policy: Model,
  reference: Model,
  format: ChatFormat,
  tasks: readonly Task[],
  o: SampleAnswersOptions = {},
): Promise<SampledAnswers> {
  const temperature = o.temperature ?? 1;
  const rollouts = await sampleRollouts(policy, format, tasks, {
    samplesPerPrompt: o.samplesPerPrompt ?? 1,
    temperature,
    maxNewTokens: o.maxNewTokens ?? 32,
    generator: new RandomGenerator(o.seed ?? 0),
    ...(o.system === undefined ? {} : { system: o.system }),
  });
  const ctx = policy.config.contextLength;
  const seqs = rollouts.map((r) => rolloutSequence(r, ctx));
  const k1: number[] = [];
  const k3: number[] = [];
  const batchSize = o.batchSize ?? 32;
  for (let i = 0; i < seqs.length; i += batchSize) {
    const batch = packSequences(seqs.slice(i, i + batchSize), {
      padId: format.endOfTurnIds[0]!,
      backend: policy.backend,
      contextLength: ctx,
    });
    const lp = noGrad(() => policyOutputs(policy, batch.ids, { temperature }).logProbs);
    const ref = noGrad(() => policyOutputs(reference, batch.ids, { temperature }).logProbs);
    const [a, b] = [await lp.data(), await ref.data()];
    lp.dispose();
    ref.dispose();
    const cols = batch.width - 1;
    for (let r = 0; r < batch.rows; r++) {
      let s1 = 0;
      let s3 = 0;
      for (let t = 0; t < cols; t++) {
        if (batch.maskArray[r * cols + t] !== 1) continue;
        const logR = b[r * cols + t]! - a[r * cols + t]!; // log π_ref − log π
        s1 += -logR;
        s3 += Math.exp(logR) - 1 - logR;
      }
      k1.push(s1);
      k3.push(s3);
    }
    batch.dispose();
  }
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  const scores = o.score ? await o.score(seqs.map((s) => s.ids)) : null;
  return {
    meanKl: mean(k1),
    meanKlK3: mean(k3),
    meanReward: scores ? mean(scores) : null,
    checkerSuccess: mean(rollouts.map((r) => taskReward(r.task, r.answer))),
    meanLength: mean(rollouts.map((r) => r.responseMask.reduce((s, m) => s + m, 0))),
    answers: rollouts.length,
  };
}
