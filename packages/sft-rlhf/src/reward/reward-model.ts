/**
 * A reward model: the transformer (usually initialised from the SFT model, as in InstructGPT) with
 * a scalar head read at each sequence's last token — the `<|end|>` that closes the assistant's
 * turn, so the score sees the whole answer.
 *
 * ```
 * prompt + response ids (B, T) ─► trunk ─► hidden (B, T, C) ─► head at the last real token ─► r (B)
 * ```
 *
 * On disk it is a checkpoint folder like any other (the trunk in Hugging Face layout, so tools can
 * read it, plus tokenizer.json) with `reward_head.safetensors` (the head's weight (1, C) and bias
 * (1)) and `reward_model.json` (format, version, where the score is read). Hugging Face's
 * `GPT2ForSequenceClassification` has a bias-free `score` head and finds the last token from
 * `pad_token_id`; ours keeps the bias (it only moves every reward alike) and stores the rule.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Backend, noGrad, type Tensor, tidy } from '@llmforge/tensor-gpu';
import { loadSafetensorsInto } from '@llmforge/tensor-gpu/node';
import { type Model, ScalarHead } from '@llmforge/transformer';
import { loadPolicy, type ModelSource, type Policy } from '../common/policy.js';
import { type PackedBatch, packSequences, type TokenSequence } from '../common/sequences.js';
import { PostTrainingCheckpointError } from '../errors.js';

/** Format name and version of `reward_model.json`. */
export const REWARD_MODEL_FORMAT = 'llmforge.reward-model';
export const REWARD_MODEL_VERSION = 1;

/** `reward_model.json`. */
export interface RewardModelInfo {
  format: typeof REWARD_MODEL_FORMAT;
  version: number;
  /** Where the head is read: the last real token of each sequence. */
  scoreAt: 'last-token';
  /** Held-out pair accuracy when it was saved (informative). */
  pairAccuracy: number | null;
}

/**
 * A transformer with a scalar head, scoring sequences.
 *
 * @example
 * ```ts
 * const rm = await RewardModel.load('runs/reward/checkpoints/step-000300');
 * const scores = await rm.score([format.render(conversation).ids]); // [1.73]
 * ```
 */
export class RewardModel {
  constructor(
    /** The transformer and its tokenizer. */
    readonly policy: Policy,
    readonly head: ScalarHead,
  ) {}

  get trunk(): Model {
    return this.policy.model;
  }

  /**
   * A new reward model on a model's trunk (loaded from a folder, or a copy of a model in memory),
   * with a new head (HF's init: N(0, 0.02²), bias 0).
   */
  static async create(
    source: ModelSource,
    o: { operation: string; backend?: Backend; seed?: number },
  ): Promise<RewardModel> {
    const policy = await loadPolicy(source, o);
    const head = new ScalarHead(policy.model.config.nEmbd, {
      backend: policy.model.backend,
      seed: o.seed ?? 0,
    });
    return new RewardModel(policy, head);
  }

  /**
   * Loads a reward model checkpoint (what `trainRewardModel` writes).
   *
   * @example
   * ```ts
   * const rm = await RewardModel.load(result.checkpointDir, { backend });
   * ```
   */
  static async load(dir: string, o: { backend?: Backend; operation?: string } = {}): Promise<RewardModel> {
    const operation = o.operation ?? 'RewardModel.load';
    const infoFile = join(dir, 'reward_model.json');
    let info: RewardModelInfo;
    try {
      info = JSON.parse(await readFile(infoFile, 'utf8')) as RewardModelInfo;
    } catch (cause) {
      throw new PostTrainingCheckpointError({
        operation,
        file: infoFile,
        expected: 'a reward model checkpoint (reward_model.json beside the weights)',
        found: (cause as NodeJS.ErrnoException).code ?? (cause as Error).message,
        hint: 'pass a checkpoint folder written by trainRewardModel',
        cause,
      });
    }
    if (
      info.format !== REWARD_MODEL_FORMAT ||
      info.version !== REWARD_MODEL_VERSION ||
      info.scoreAt !== 'last-token'
    ) {
      throw new PostTrainingCheckpointError({
        operation,
        file: infoFile,
        expected: `format ${REWARD_MODEL_FORMAT} version ${REWARD_MODEL_VERSION}, scoreAt last-token`,
        found: `format ${String(info.format)} version ${String(info.version)}, scoreAt ${String(info.scoreAt)}`,
      });
    }
    const rm = await RewardModel.create(dir, { operation, ...(o.backend ? { backend: o.backend } : {}) });
    await loadSafetensorsInto(join(dir, 'reward_head.safetensors'), rm.head);
    rm.trunk.eval().requireGrad(false);
    rm.head.requireGrad(false);
    return rm;
  }

  /** Trunk and head parameters, named (the head's under `score.`). */
  namedParameters(): [string, Tensor][] {
    return [
      ...this.trunk.namedParameters(),
      ...this.head.namedParameters().map(([n, p]): [string, Tensor] => [`score.${n}`, p]),
    ];
  }

  /** Scores of a packed batch's rows at their last real token: (B), differentiable. */
  scoreBatch(batch: PackedBatch): Tensor {
    return tidy(() => {
      const { hidden } = this.trunk.forward(batch.ids, { returnHidden: true, logits: 'none' });
      return this.head.scoreAt(hidden!, batch.lastToken);
    });
  }

  /**
   * Scores sequences (ids, or {@link TokenSequence}s), `batchSize` at a time, without gradients.
   *
   * @example
   * ```ts
   * const [good, bad] = await rm.score([chosenIds, rejectedIds]);
   * ```
   */
  async score(sequences: readonly (readonly number[] | TokenSequence)[], batchSize = 32): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < sequences.length; i += batchSize) {
      const seqs = sequences.slice(i, i + batchSize).map((s) => {
        const ids = 'ids' in s ? s.ids : [...s];
        return { ids, learn: ids.map(() => 0) };
      });
      const batch = packSequences(seqs, {
        padId: this.policy.format.endOfTurnIds[0]!,
        backend: this.trunk.backend,
        contextLength: this.trunk.config.contextLength,
      });
      const scores = noGrad(() => this.scoreBatch(batch));
      out.push(...(await scores.data()));
      scores.dispose();
      batch.dispose();
    }
    return out;
  }

  /** Frees the trunk and the head. */
  dispose(): void {
    this.trunk.dispose();
    this.head.dispose();
  }
}
