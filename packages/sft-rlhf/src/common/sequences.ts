/**
 * Sequences (prompt + response ids, with which tokens are the model's actions) → one padded batch
 * in the layout every post-training loss uses: column t of a (B, T−1) tensor is about the
 * prediction of token t+1 from tokens 0..t — what `tokenLogProbs` returns.
 *
 * ```
 * ids      <|user|> 2+2? <|end|> <|assistant|>  4   <|end|>  pad  pad      (B, T) right-padded
 * learn       0      0     0         0         1     1      ·    ·        1 = an action
 * mask (column t = token t+1)    0  0   0      1     1      0    0         (B, T−1)
 *                                               ▲     ▲      ▲
 *                               lastAction ─────┘     └──────┼─ scoreColumn: the column after the
 *                                                            │  last action (TRL's), when it exists
 * ```
 *
 * Right padding needs no attention mask in a causal model (a real token never attends to the pads
 * after it). `extraColumn` adds one padding position so that every row has a column after its
 * last action, where PPO puts the score (TRL: "the token after the last response token, the last
 * token when the response fills the budget").
 */
import { type Backend, type Tensor, tensor } from '@llmforge/tensor-gpu';
import { PostTrainingConfigError } from '../errors.js';

/** Token ids and, per id, whether it is an action the policy is trained on (1) or context (0). */
export interface TokenSequence {
  ids: number[];
  /** The same length as `ids`; the first entry must be 0 (a first token is never predicted). */
  learn: number[];
}

/** A padded batch on the device, and the host-side facts about its rows. */
export interface PackedBatch {
  /** (B, T) i32 token ids, right-padded. */
  ids: Tensor;
  /** (B, T−1) f32: 1 where column t predicts an action token t+1. */
  mask: Tensor;
  /** The same mask on the host, row-major. */
  maskArray: Float32Array;
  rows: number;
  /** T. */
  width: number;
  /** Per row: the index of its last real token (where a reward model reads its score). */
  lastToken: number[];
  /** Per row: the column after its last action (or the last action's when the row is full). */
  scoreColumn: number[];
  /** Frees the device tensors. */
  dispose(): void;
}

/** Options of {@link packSequences}. */
export interface PackOptions {
  padId: number;
  backend: Backend;
  /** The model's context length: no row may be longer. */
  contextLength: number;
  /** Pad one more position, so that each row has a column after its last action (PPO). */
  extraColumn?: boolean;
  /** Pad to this width at least (to give every minibatch of a rollout the same width). */
  minWidth?: number;
}

/**
 * Packs sequences into one right-padded batch.
 *
 * @example
 * ```ts
 * const batch = packSequences([{ ids: [1, 5, 9, 2], learn: [0, 0, 1, 1] }], { padId: 0, backend, contextLength: 64 });
 * batch.maskArray; // [0, 1, 1]: columns 1 and 2 predict the two actions
 * batch.dispose();
 * ```
 */
export function packSequences(seqs: readonly TokenSequence[], o: PackOptions): PackedBatch {
  if (seqs.length === 0) {
    throw new PostTrainingConfigError({
      operation: 'packSequences',
      expected: 'at least one sequence',
      found: 'none',
    });
  }
  const longest = Math.max(...seqs.map((s) => s.ids.length));
  const T = Math.min(Math.max(longest + (o.extraColumn ? 1 : 0), o.minWidth ?? 0, 2), o.contextLength);
  const B = seqs.length;
  const ids = new Int32Array(B * T).fill(o.padId);
  const mask = new Float32Array(B * (T - 1));
  const lastToken: number[] = [];
  const scoreColumn: number[] = [];
  seqs.forEach((s, b) => {
    if (s.ids.length > T || s.learn.length !== s.ids.length || s.ids.length < 2) {
      throw new PostTrainingConfigError({
        operation: 'packSequences',
        where: `sequence ${b}`,
        expected: `2 to ${o.contextLength} ids (the context length) with one learn flag each`,
        found: `${s.ids.length} ids, ${s.learn.length} flags`,
      });
    }
    ids.set(s.ids, b * T);
    let lastAction = -1;
    for (let t = 1; t < s.ids.length; t++) {
      if (s.learn[t] === 1) {
        mask[b * (T - 1) + t - 1] = 1;
        lastAction = t - 1;
      }
    }
    lastToken.push(s.ids.length - 1);
    scoreColumn.push(lastAction === -1 ? s.ids.length - 2 : Math.min(lastAction + 1, T - 2));
  });
  const idsT = tensor(ids, [B, T], 'i32', o.backend);
  const maskT = tensor(mask, [B, T - 1], 'f32', o.backend);
  return {
    ids: idsT,
    mask: maskT,
    maskArray: mask,
    rows: B,
    width: T,
    lastToken,
    scoreColumn,
    dispose() {
      idsT.dispose();
      maskT.dispose();
    },
  };
}

/**
 * Rows `rows` of a (B, T−1) host array as a tensor: how a rollout's per-token figures (old
 * log-probs, advantages, ...) are cut into minibatches.
 *
 * @example
 * ```ts
 * const adv = rowsTensor(advantages, batch.width - 1, [0, 2], backend); // (2, T−1)
 * ```
 */
export function rowsTensor(
  data: ArrayLike<number>,
  columns: number,
  rows: readonly number[],
  backend: Backend,
): Tensor {
  const out = new Float32Array(rows.length * columns);
  rows.forEach((r, i) => {
    for (let c = 0; c < columns; c++) out[i * columns + c] = data[r * columns + c]!;
  });
  return tensor(out, [rows.length, columns], 'f32', backend);
}
