/**
 * One forward pass of a policy over a packed batch, giving what every RL loss needs, in the
 * (B, T−1) layout of {@link PackedBatch} (column t is about token t+1):
 *
 * ```
 * ids (B, T) ─► model ─► logits (B, T, V) ─► log p(token t+1 | ..t)   logProbs (B, T−1)
 *                   │                    └─► entropy of that distribution  entropy (B, T−1)
 *                   └─► hidden (B, T, C) ─► value head ─► V(state after token t)  values (B, T−1)
 * ```
 *
 * A value head on the policy's own hidden states is the shared-trunk critic PPO uses here (see
 * `ppo/ppo-trainer.ts`). Differentiable; call it under `noGrad` for rollout statistics.
 */
import { type Tensor, tidy } from '@llmforge/tensor-gpu';
import { logProbsFromLogits, type Model, type ScalarHead } from '@llmforge/transformer';
import { entropyFromLogits } from '../losses/entropy.js';

/** What {@link policyOutputs} returns; `values` and `entropy` only when asked for. */
export interface PolicyOutputs {
  logProbs: Tensor;
  values?: Tensor;
  entropy?: Tensor;
}

/**
 * Per-token log-probs (and values, entropies) of the ids (B, T).
 *
 * @example
 * ```ts
 * const { logProbs, values } = noGrad(() => policyOutputs(model, batch.ids, { valueHead }));
 * ```
 */
export function policyOutputs(
  model: Model,
  ids: Tensor,
  o: { temperature?: number; valueHead?: ScalarHead; entropy?: boolean } = {},
): PolicyOutputs {
  const temperature = o.temperature ?? 1;
  const T = ids.shape[1]!;
  return tidy(() => {
    const out = model.forward(ids, { returnHidden: o.valueHead !== undefined, logits: 'all' });
    const result: PolicyOutputs = { logProbs: logProbsFromLogits(out.logits!, ids, { temperature }) };
    if (o.valueHead) result.values = o.valueHead.forward(out.hidden!).narrow(1, 0, T - 1);
    if (o.entropy) {
      const scaled = temperature === 1 ? out.logits! : out.logits!.div(temperature);
      result.entropy = entropyFromLogits(scaled).narrow(1, 0, T - 1);
    }
    return result;
  });
}
