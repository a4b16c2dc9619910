/**
 * Per-token log-probabilities of given sequences: what SFT evaluation, DPO and PPO need.
 *
 * For ids (B, T) the model's logits at position t predict token t+1, so
 *   logProbs[b, t] = log softmax(logits[b, t])[ids[b, t+1]],   t = 0 .. T−2   → (B, T−1)
 * computed with the fused cross entropy (reduction 'none' gives −log p per row), so no (B, T, V)
 * log-softmax is materialized and the result is differentiable (PPO's ratio exp(logp − logp_old)).
 *
 * Worked example: ids [[a, b, c]] → [[log p(b | a), log p(c | a, b)]].
 */

import { concat, crossEntropy, full, type Tensor, tidy } from '@llmforge/tensor-gpu';
import { ModelInputError } from './errors.js';
import { type TokenIds, toIdsTensor } from './inputs.js';
import type { Model } from './model.js';

/** Options of {@link tokenLogProbs}. */
export interface TokenLogProbsOptions {
  /** Divide the logits by this before the softmax (match the sampling temperature; default 1). */
  temperature?: number;
}

/**
 * log p(ids[t+1] | ids[0..t]) for every position: (B, T−1), differentiable.
 *
 * @example
 * ```ts
 * const lp = tokenLogProbs(model, [[5, 9, 2, 7]]); // (1, 3)
 * const seqLogProb = lp.sum();                      // log p(9, 2, 7 | 5)
 * ```
 */
export function tokenLogProbs(model: Model, ids: TokenIds, options: TokenLogProbsOptions = {}): Tensor {
  const idsT = toIdsTensor('tokenLogProbs', 'ids', ids, model.backend, model.config.vocabSize);
  try {
    checkLength(idsT);
    return tidy(() => logProbsFromLogits(model.forward(idsT).logits!, idsT, options));
  } finally {
    idsT.dispose();
  }
}

/**
 * The same from logits you already have, e.g. from one forward pass that also gives a value head
 * its hidden states: logits (B, T, V) and the i32 ids (B, T) they were computed from → (B, T−1).
 *
 * @example
 * ```ts
 * const { logits, hidden } = model.forward(ids, { returnHidden: true, logits: 'all' });
 * const logp = logProbsFromLogits(logits!, idsTensor); // policy
 * const values = valueHead.forward(hidden!);           // critic
 * ```
 */
export function logProbsFromLogits(logits: Tensor, ids: Tensor, options: TokenLogProbsOptions = {}): Tensor {
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0)) {
    throw new ModelInputError({
      operation: 'tokenLogProbs',
      where: 'temperature',
      expected: 'a positive number',
      found: String(temperature),
      hint: 'use the temperature the samples were drawn at (1 for none)',
    });
  }
  checkLength(ids);
  const [B, T] = ids.shape as [number, number];
  if (logits.rank !== 3 || logits.shape[0] !== B || logits.shape[1] !== T) {
    throw new ModelInputError({
      operation: 'logProbsFromLogits',
      where: 'logits',
      expected: `logits (${B}, ${T}, V) for ids (${B}, ${T})`,
      found: `(${logits.shape.join(', ')})`,
      hint: "pass the logits of a forward pass over these ids (logits: 'all')",
    });
  }
  return tidy(() => {
    const scaled = temperature === 1 ? logits : logits.div(temperature);
    // targets[b, t] = ids[b, t+1]; the last position has no next token: ignored (−100)
    const targets = concat([ids.narrow(1, 1, T - 1), full([B, 1], -100, 'i32', ids.backend)], 1); // (B, T)
    const nll = crossEntropy(scaled, targets, { reduction: 'none', ignoreIndex: -100 }); // (B, T)
    return nll.narrow(1, 0, T - 1).neg(); // (B, T−1)
  });
}

function checkLength(ids: Tensor): void {
  if (ids.rank !== 2 || ids.dtype !== 'i32' || ids.shape[1]! < 2) {
    throw new ModelInputError({
      operation: 'tokenLogProbs',
      where: 'ids',
      expected: 'i32 ids (B, T) with T ≥ 2 (the first token is only context)',
      found: `${ids.dtype} (${ids.shape.join(', ')})`,
      hint: 'log-probabilities score tokens 1..T-1 given the ones before them',
    });
  }
}
