/**
 * The rollout half of an RL iteration, shared by PPO and GRPO:
 *
 * ```
 * tasks ─► sampleRollouts (G per prompt, one prefill, tool loop) ─► packSequences (+1 column)
 *       ─► no grad: policy log-probs (+ values, entropy), reference log-probs
 *       ─► per-token KL (the chosen estimator, 0 off the actions) and the iteration's figures
 * ```
 *
 * Everything is kept on the device for the losses; `dispose()` frees it.
 */
import { noGrad, type RandomGenerator, type Tensor, tidy } from '@llmforge/tensor-gpu';
import type { Model, ScalarHead } from '@llmforge/transformer';
import type { ChatFormat } from '../chat/chat-format.js';
import { type KlEstimator, klEstimate } from '../losses/kl.js';
import { maskedMean } from '../losses/masked.js';
import type { Task } from '../tasks/task.js';
import { policyOutputs } from './policy-outputs.js';
import { type Rollout, rolloutSequence, sampleRollouts } from './rollout.js';
import { type PackedBatch, packSequences, type TokenSequence } from './sequences.js';

/** Options of {@link collectRollouts}. */
export interface CollectOptions {
  model: Model;
  reference: Model;
  format: ChatFormat;
  tasks: readonly Task[];
  samplesPerPrompt: number;
  temperature: number;
  maxNewTokens: number;
  generator: RandomGenerator;
  klEstimator: KlEstimator;
  /** A value head on the policy's hidden states (PPO's critic). */
  valueHead?: ScalarHead;
  system?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** A rollout batch on the device. */
export interface CollectedRollouts {
  rollouts: Rollout[];
  seqs: TokenSequence[];
  /** Padded with one extra column (see `packSequences`). */
  batch: PackedBatch;
  /** (B, T−1) under the sampling policy, and under the reference. */
  logProbs: Tensor;
  refLogProbs: Tensor;
  /** (B, T−1) with `valueHead`. */
  values?: Tensor;
  /** (B, T−1) per-token KL estimate, 0 off the actions. */
  kl: Tensor;
  /** Mean over answers of Σ KL (nats per sequence), mean per-token entropy, ended fraction, mean length, checker success. */
  stats: { kl: number; entropy: number; endedFraction: number; responseLength: number; success: number };
  dispose(): void;
}

/**
 * Samples answers to `tasks` and evaluates them under the policy and the reference.
 *
 * @example
 * ```ts
 * const r = await collectRollouts({ model, reference, format, tasks, samplesPerPrompt: 4, temperature: 1, maxNewTokens: 32, generator, klEstimator: 'k1' });
 * r.stats.kl; // nats per sequence
 * r.dispose();
 * ```
 */
export async function collectRollouts(o: CollectOptions): Promise<CollectedRollouts> {
  const rollouts = await sampleRollouts(o.model, o.format, o.tasks, {
    samplesPerPrompt: o.samplesPerPrompt,
    temperature: o.temperature,
    maxNewTokens: o.maxNewTokens,
    generator: o.generator,
    ...(o.system === undefined ? {} : { system: o.system }),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const ctx = o.model.config.contextLength;
  const seqs = rollouts.map((r) => rolloutSequence(r, ctx));
  const batch = packSequences(seqs, {
    padId: o.format.endOfTurnIds[0]!,
    backend: o.model.backend,
    contextLength: ctx,
    extraColumn: true,
  });
  const out = noGrad(() =>
    tidy(() => {
      const cur = policyOutputs(o.model, batch.ids, {
        temperature: o.temperature,
        entropy: true,
        ...(o.valueHead ? { valueHead: o.valueHead } : {}),
      });
      const refLogProbs = policyOutputs(o.reference, batch.ids, { temperature: o.temperature }).logProbs;
      const kl = klEstimate(cur.logProbs, refLogProbs, o.klEstimator).mul(batch.mask);
      return {
        logProbs: cur.logProbs,
        refLogProbs,
        kl,
        ...(cur.values ? { values: cur.values } : {}),
        klPerSequence: kl.sum(1).mean(),
        entropy: maskedMean(cur.entropy!, batch.mask),
      };
    }),
  );
  const [kl, entropy] = [await out.klPerSequence.item(), await out.entropy.item()];
  out.klPerSequence.dispose();
  out.entropy.dispose();
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  return {
    rollouts,
    seqs,
    batch,
    logProbs: out.logProbs,
    refLogProbs: out.refLogProbs,
    ...(out.values ? { values: out.values } : {}),
    kl: out.kl,
    stats: {
      kl,
      entropy,
      endedFraction: mean(rollouts.map((r) => (r.finishReason === 'stop' ? 1 : 0))),
      responseLength: mean(rollouts.map((r) => r.responseMask.reduce((s, m) => s + m, 0))),
      success: mean(rollouts.map((r) => (r.task.check(r.answer) ? 1 : 0))),
    },
    dispose() {
      batch.dispose();
      for (const t of [out.logProbs, out.refLogProbs, out.kl, out.values]) t?.dispose();
    },
  };
}
