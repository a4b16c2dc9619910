/**
 * The SFT loss: next-token cross entropy on the assistant's tokens only, summed and divided by a
 * normalizer you choose.
 *
 * ```
 * labels (HF)   [-100, -100, 52, 7]       targets = labels shifted left: [-100, 52, 7, -100]
 * loss          = Σ_t CE(logits_t, targets_t) / normalizer        (−100 rows contribute 0)
 * ```
 *
 * With the default normalizer (this batch's target count) it is the mean over learned tokens, what
 * `Model.forward({ labels })` gives. Under gradient accumulation pass the target count of the whole
 * accumulated batch instead: the summed micro-batch gradients then equal the large batch's exactly
 * (a mean of per-micro-batch means would weight short micro-batches up). A micro-batch with no
 * target (fully masked) gives loss 0 and zero gradients — never 0/0.
 */
import type { Tensor } from '@llmforge/tensor-gpu';
import { crossEntropy, tensor, tidy } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { IGNORE_INDEX } from '../chat/chat-format.js';
import { LossInputError } from '../errors.js';
import { hasRank } from './check.js';

/** Options of {@link sftLoss}. */
export interface SftLossOptions {
  /**
   * Divide the summed cross entropy by this (> 0). Default: this batch's number of targets (at
   * least 1). Under gradient accumulation: the number of targets of all the micro-batches.
   */
  normalizer?: number;
}

/**
 * HF labels (B, T) → next-token targets (B·T): targets[b, t] = labels[b, t + 1], the last −100.
 *
 * @example
 * ```ts
 * shiftLabels([[-100, -100, 52, 7]]); // Int32Array [-100, 52, 7, -100]
 * ```
 */
export function shiftLabels(labels: readonly (readonly number[])[]): Int32Array {
  const B = labels.length;
  const T = labels[0]?.length ?? 0;
  const out = new Int32Array(B * T).fill(IGNORE_INDEX);
  labels.forEach((row, b) => {
    if (row.length !== T) {
      throw new LossInputError({
        operation: 'sftLoss',
        where: `labels[${b}]`,
        expected: `${T} labels (a rectangular batch)`,
        found: String(row.length),
      });
    }
    for (let t = 0; t + 1 < T; t++) out[b * T + t] = row[t + 1]!;
  });
  return out;
}

/**
 * Σ cross entropy over the learned tokens / normalizer, and the number of learned tokens.
 *
 * @example
 * ```ts
 * const { logits } = model.forward(batch.ids);                                     // (B, T, V)
 * const { loss } = sftLoss(logits!, batch.labels, { normalizer: totalTargetTokens });
 * loss.backward();
 * ```
 */
export function sftLoss(
  logits: Tensor,
  labels: readonly (readonly number[])[],
  options: SftLossOptions = {},
): { loss: Tensor; targetTokens: number } {
  hasRank('sftLoss', 'logits', logits, 3, 'logits (B, T, V)');
  const [B, T, V] = logits.shape as [number, number, number];
  if (labels.length !== B || labels.some((r) => r.length !== T)) {
    throw new LossInputError({
      operation: 'sftLoss',
      where: 'labels',
      expected: `${B} rows of ${T} labels (the shape of the ids)`,
      found: `${labels.length} rows of ${labels[0]?.length ?? 0}`,
    });
  }
  const targets = shiftLabels(labels);
  const targetTokens = targets.reduce((n, t) => n + (t === IGNORE_INDEX ? 0 : 1), 0);
  const normalizer = options.normalizer ?? Math.max(targetTokens, 1);
  if (!(Number.isFinite(normalizer) && normalizer > 0)) {
    throw new LossInputError({
      operation: 'sftLoss',
      where: 'option normalizer',
      expected: 'a positive number',
      found: String(normalizer),
    });
  }
  const loss = tidy(() => {
    const t = tensor(targets, [B * T], 'i32', logits.backend);
    return crossEntropy(logits.reshape([B * T, V]), t, { reduction: 'sum', ignoreIndex: IGNORE_INDEX }).div(
      normalizer,
    );
  });
  return { loss, targetTokens };
}

/**
 * {@link sftLoss} of `model` on a batch, with logits computed only where the loss scores (the
 * assistant's tokens): the output projection and cross entropy of every prompt and padding position
 * are skipped (`logits: { at }` of @llmforge/transformer), which is most of a chat batch. Same value
 * and gradients as `sftLoss(model.forward(ids).logits!, labels, options)`, which a batch with no
 * target falls back to (loss 0, zero gradients).
 *
 * @example
 * ```ts
 * const { loss } = modelSftLoss(model, batch.ids, batch.labels);
 * loss.backward();
 * ```
 */
export function modelSftLoss(
  model: Model,
  ids: readonly (readonly number[])[],
  labels: readonly (readonly number[])[],
  options: SftLossOptions = {},
): { loss: Tensor; targetTokens: number } {
  const T = ids[0]?.length ?? 0;
  if (labels.length !== ids.length || labels.some((r) => r.length !== T)) {
    throw new LossInputError({
      operation: 'sftLoss',
      where: 'labels',
      expected: `${ids.length} rows of ${T} labels (the shape of the ids)`,
      found: `${labels.length} rows of ${labels[0]?.length ?? 0}`,
    });
  }
  const targets = shiftLabels(labels);
  const at: number[] = [];
  const scored: number[] = [];
  targets.forEach((t, i) => {
    if (t !== IGNORE_INDEX) {
      at.push(i);
      scored.push(t);
    }
  });
  if (at.length === 0) return sftLoss(model.forward(ids).logits!, labels, options);
  const normalizer = options.normalizer ?? at.length;
  if (!(Number.isFinite(normalizer) && normalizer > 0)) {
    throw new LossInputError({
      operation: 'sftLoss',
      where: 'option normalizer',
      expected: 'a positive number',
      found: String(normalizer),
    });
  }
  const loss = tidy(() => {
    const logits = model.forward(ids, { logits: { at } }).logits!; // (N, V)
    const t = tensor(Int32Array.from(scored), [scored.length], 'i32', logits.backend);
    return crossEntropy(logits, t, { reduction: 'sum' }).div(normalizer);
  });
  return { loss, targetTokens: at.length };
}
