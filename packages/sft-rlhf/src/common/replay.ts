/**
 * Replay: token documents (a base model's pretraining or mid-training data) learned beside a
 * trainer's own loss, so that post-training keeps rehearsing what the base model knows instead of
 * overwriting it. SFT packs them with its conversations (`SftConfig.documents`); the reward model,
 * PPO, GRPO and DPO add a language-modelling term to every update — InstructGPT's "PPO-ptx"
 * (Ouyang et al. 2022, eq. 2: the RL objective + γ · E_pretrain[log π(x)]):
 *
 * ```
 * documents ─► seeded epochs, packed into rows (PackedEpochs) ─► update k's `ptxRows` rows
 *   total_k = algorithm loss_k + ptxCoef · ptxLoss_k     (ptxLoss: mean cross entropy of the rows)
 * ```
 *
 * Metrics log the algorithm's `loss` and `ptxLoss` apart; `total` is what is differentiated.
 *
 * Update k's rows are a function of the seed and k alone, so a resumed run replays what an
 * uninterrupted one would. Without documents (the default) nothing changes: no rows, no term.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import type { SftExample } from '../chat/chat-format.js';
import { makeSftBatches, type SftBatch, type SftBatches, type SftBatchOptions } from '../chat/sft-batches.js';
import { modelSftLoss } from '../losses/sft-loss.js';
import { TaskRandom } from '../tasks/random.js';
import { badConfig, checkInt, checkNumber } from './check-config.js';

/**
 * The defaults of the replay options of the reward model, PPO, GRPO and DPO (used only with
 * `documents`). InstructGPT's γ = 27.8 weighs a summed log-likelihood against a per-sequence
 * reward; here both terms are means per token, and 1 keeps the replayed documents' loss where SFT
 * left it (README, Results).
 */
export const REPLAY_DEFAULTS = {
  /** Weight of the language-modelling term (γ of PPO-ptx). */
  ptxCoef: 1,
  /** Rows of replayed documents per update, each up to the context length. */
  ptxRows: 4,
};

/** The replay options a trainer's config takes. */
export interface ReplayOptions extends Partial<typeof REPLAY_DEFAULTS> {
  /**
   * Token documents learned on every token but the first beside the algorithm's loss (default
   * none): a replay of the base model's pretraining or mid-training data (`readShardDocuments`).
   * Ids must be in the model's vocabulary; a document longer than the context is skipped.
   */
  documents?: readonly (readonly number[])[];
}

/** Checks the replay fields of a resolved config; throws `PostTrainingConfigError` naming the field. */
export function checkReplayOptions(operation: string, c: typeof REPLAY_DEFAULTS): void {
  checkNumber(operation, 'ptxCoef', c.ptxCoef, 0);
  checkInt(operation, 'ptxRows', c.ptxRows, 1);
}

/**
 * Documents as examples learned on every token; an id outside the vocabulary (or a document of
 * fewer than two tokens) is a `PostTrainingConfigError` naming `documents[i]`.
 *
 * @example
 * ```ts
 * replayExamples('trainSft', [[5, 9, 2]], 512); // [{ id: 'document:0', ids: [5, 9, 2], labels: [5, 9, 2] }]
 * ```
 */
export function replayExamples(
  operation: string,
  documents: readonly (readonly number[])[],
  vocabSize: number,
): SftExample[] {
  return documents.map((doc, i) => {
    const bad = doc.findIndex((id) => !(Number.isInteger(id) && id >= 0 && id < vocabSize));
    if (bad !== -1 || doc.length < 2) {
      badConfig(
        operation,
        `documents[${i}]`,
        `at least 2 token ids in [0, ${vocabSize})`,
        bad === -1 ? `${doc.length} token(s)` : `id ${doc[bad]} at position ${bad}`,
        "replay documents written with the model's tokenizer (readShardDocuments)",
      );
    }
    return { id: `document:${i}`, ids: [...doc], labels: [...doc] };
  });
}

/**
 * Examples in a new seeded order each epoch, packed or padded into batches (`makeSftBatches`),
 * epochs concatenated: batch k is a function of the seed and k alone.
 *
 * @example
 * ```ts
 * const epochs = new PackedEpochs(examples, { batchSize: 16, maxLength: 128, padId, packing: true }, 0, 'sft');
 * const batch = epochs.at(step);
 * ```
 */
export class PackedEpochs {
  /** Epoch 0's batches and what packing it skipped and counted. */
  readonly first: SftBatches;
  private epoch = 0;
  private start = 0;
  private batches: SftBatch[];

  constructor(
    private readonly examples: readonly SftExample[],
    private readonly options: SftBatchOptions,
    private readonly seed: number,
    private readonly name: string,
  ) {
    this.first = this.pack(0);
    this.batches = this.first.batches;
  }

  private pack(epoch: number): SftBatches {
    const order = new TaskRandom(this.seed, `${this.name}-epoch-${epoch}`).shuffle(this.examples);
    return makeSftBatches(order, this.options);
  }

  /** Batch `k` (0-based); epochs hold different numbers of batches when packing, so they are walked. */
  at(k: number): SftBatch {
    if (this.first.batches.length === 0)
      throw new RangeError('PackedEpochs.at: no batches (every example skipped)');
    if (k < this.start) {
      this.epoch = 0;
      this.start = 0;
      this.batches = this.first.batches;
    }
    while (k - this.start >= this.batches.length) {
      this.start += this.batches.length;
      this.epoch++;
      this.batches = this.pack(this.epoch).batches;
    }
    return this.batches[k - this.start]!;
  }
}

/**
 * The replay term of a trainer: `ptxCoef` × the mean cross entropy of update k's replayed rows.
 *
 * @example
 * ```ts
 * const replay = DocumentReplay.create('trainPpo', model, c, { padId, seed: c.seed, name: 'ppo' });
 * const total = tidy(() => ppoLoss(...).loss.add(replay!.loss(update).scaled)); // or withReplay
 * ```
 */
export class DocumentReplay {
  private constructor(
    private readonly model: Model,
    private readonly epochs: PackedEpochs,
    readonly coef: number,
  ) {}

  /**
   * The replay of a resolved config, or null without documents (or with `ptxCoef` 0). Documents are
   * checked here, before anything is written; rows are the model's context length.
   */
  static create(
    operation: string,
    model: Model,
    c: ReplayOptions & typeof REPLAY_DEFAULTS,
    o: { padId: number; seed: number; name: string },
  ): DocumentReplay | null {
    const documents = c.documents ?? [];
    if (documents.length === 0 || c.ptxCoef === 0) return null;
    const examples = replayExamples(operation, documents, model.config.vocabSize);
    const maxLength = model.config.contextLength;
    const epochs = new PackedEpochs(
      examples,
      { batchSize: c.ptxRows, maxLength, padId: o.padId, packing: true },
      o.seed,
      `${o.name}-replay`,
    );
    if (epochs.first.batches.length === 0) {
      badConfig(
        operation,
        'documents',
        `documents of at most ${maxLength} tokens (the context length)`,
        `all ${documents.length} longer`,
      );
    }
    return new DocumentReplay(model, epochs, c.ptxCoef);
  }

  /** Update `k`'s batch of replayed rows. */
  batchAt(k: number): SftBatch {
    return this.epochs.at(k);
  }

  /**
   * Update `k`'s language-modelling loss (mean per token, `lm`) and `coef` × it (`scaled`, to add
   * to the algorithm's loss). Call inside the update's `tidy`.
   */
  loss(k: number): { scaled: Tensor; lm: Tensor } {
    const batch = this.epochs.at(k);
    const lm = modelSftLoss(this.model, batch.ids, batch.labels).loss;
    return { scaled: lm.mul(this.coef), lm };
  }
}

/**
 * The loss an update differentiates: the algorithm's `loss` plus, when replaying, the replay term of
 * update `k`; and the replay's own loss for the metrics (`ptxLoss`, null without replay). The
 * algorithm's `loss` stays what the metrics call `loss`, so that runs with and without replay
 * compare. Call inside the update's `tidy`.
 *
 * @example
 * ```ts
 * const out = tidy(() => { const bt = bradleyTerryLoss(...); return { ...bt, ...withReplay(replay, bt.loss, step) }; });
 * out.total.backward();
 * ```
 */
export function withReplay(
  replay: DocumentReplay | null,
  loss: Tensor,
  k: number,
): { total: Tensor; ptxLoss: Tensor | null } {
  if (!replay) return { total: loss, ptxLoss: null };
  const { scaled, lm } = replay.loss(k);
  return { total: loss.add(scaled), ptxLoss: lm };
}
