/**
 * CPU cross entropy over the last axis, fused with its log-sum-exp, forward and backward.
 *
 * `logits (N, V)`, integer `targets (N)`, optional per-row `weights (N)`. Per row:
 *
 * ```text
 * lse_i  = log Σ_v exp(logits_iv)                (max-shifted, so no overflow)
 * loss_i = w_i · (lse_i − logits_i,t_i)          (0 where t_i == ignoreIndex)
 * logits = [[1, 2, 3]], t = [2]:  lse = 3.408,  loss = 0.408
 * ```
 *
 * The per-row losses are the output; the Tensor layer takes the mean (dividing by the number of rows
 * not ignored, as `torch.nn.functional.cross_entropy(..., ignore_index=-100)` does). Backward, given the
 * upstream gradient of each row's loss `dloss_i` and the saved `lse`:
 *
 * ```text
 * dlogits_iv = dloss_i · w_i · (exp(logits_iv − lse_i) − [v == t_i])   (a zero row where ignored)
 * ```
 *
 * Never materialises the softmax: forward keeps only `lse`, backward recomputes `exp(logit − lse)`.
 */
import type { FloatArray } from '../../backend/dtype.js';
import { ShapeError } from '../../errors.js';
import { type CpuKernel, floatData, intData } from './kernel.js';

/** Rows, vocabulary size and the label that marks a row as ignored. */
export interface CrossEntropySpec {
  N: number;
  V: number;
  /** Rows whose target equals this contribute 0 loss and 0 gradient (HF/PyTorch use -100). */
  ignoreIndex: number;
}

export function checkTarget(op: string, t: number, row: number, spec: CrossEntropySpec): boolean {
  if (t === spec.ignoreIndex) return false;
  if (t < 0 || t >= spec.V || !Number.isInteger(t)) {
    throw new ShapeError({
      operation: op,
      expected: `every target in [0, ${spec.V}) or equal to ignoreIndex ${spec.ignoreIndex}`,
      found: `target ${t} at row ${row}`,
      hint: 'check the vocabulary size of the model against the token ids, or the ignoreIndex value',
    });
  }
  return true;
}

/**
 * Per-row cross entropy: writes `loss (N)` and `lse (N)`.
 *
 * @example
 * ```ts
 * const loss = new Float32Array(1), lse = new Float32Array(1);
 * crossEntropyCpu(new Float32Array([1, 2, 3]), new Int32Array([2]), null, loss, lse,
 *   { N: 1, V: 3, ignoreIndex: -100 });
 * // lse ≈ [3.408], loss ≈ [0.408]
 * ```
 */
export function crossEntropyCpu(
  logits: FloatArray,
  targets: Int32Array,
  weights: FloatArray | null,
  loss: FloatArray,
  lse: FloatArray,
  spec: CrossEntropySpec,
): void {
  const { N, V } = spec;
  for (let i = 0; i < N; i++) {
    const base = i * V;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < V; v++) {
      const x = logits[base + v]!;
      if (x > max) max = x;
    }
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[base + v]! - max);
    const l = max + Math.log(sum);
    lse[i] = l;
    const t = targets[i]!;
    if (!checkTarget('crossEntropy', t, i, spec)) {
      loss[i] = 0;
      continue;
    }
    loss[i] = (weights === null ? 1 : weights[i]!) * (l - logits[base + t]!);
  }
}

/**
 * Cross-entropy backward: writes `dlogits (N, V)` from the upstream `dloss (N)` and the saved `lse`.
 *
 * @example
 * ```ts
 * const d = new Float32Array(3);
 * crossEntropyBackwardCpu(new Float32Array([1]), new Float32Array([1, 2, 3]), new Int32Array([2]), null,
 *   new Float32Array([3.4076]), d, { N: 1, V: 3, ignoreIndex: -100 });
 * // d ≈ softmax([1,2,3]) − [0,0,1] = [0.090, 0.245, −0.335]
 * ```
 */
export function crossEntropyBackwardCpu(
  dloss: FloatArray,
  logits: FloatArray,
  targets: Int32Array,
  weights: FloatArray | null,
  lse: FloatArray,
  dlogits: FloatArray,
  spec: CrossEntropySpec,
): void {
  const { N, V } = spec;
  for (let i = 0; i < N; i++) {
    const base = i * V;
    const t = targets[i]!;
    if (!checkTarget('crossEntropyBackward', t, i, spec)) {
      dlogits.fill(0, base, base + V);
      continue;
    }
    const scale = dloss[i]! * (weights === null ? 1 : weights[i]!);
    const l = lse[i]!;
    for (let v = 0; v < V; v++) dlogits[base + v] = scale * Math.exp(logits[base + v]! - l);
    dlogits[base + t]! -= scale;
  }
}

/** The contract's `crossEntropy` kernel → loss (N), lse (N). */
export const crossEntropyKernel: CpuKernel<'crossEntropy'> = ({ inputs, outputs, attrs }) => {
  const op = 'crossEntropy';
  const [N, V] = inputs.logits.shape as [number, number];
  crossEntropyCpu(
    floatData(op, inputs.logits.storage),
    intData(op, inputs.targets.storage),
    inputs.weights ? floatData(op, inputs.weights.storage) : null,
    floatData(op, outputs.loss.storage),
    floatData(op, outputs.lse.storage),
    { N, V, ignoreIndex: attrs.ignoreIndex },
  );
};

/** The contract's `crossEntropyBackward` kernel → dlogits (N, V). */
export const crossEntropyBackwardKernel: CpuKernel<'crossEntropyBackward'> = ({ inputs, outputs, attrs }) => {
  const op = 'crossEntropyBackward';
  const [N, V] = inputs.logits.shape as [number, number];
  crossEntropyBackwardCpu(
    floatData(op, inputs.dloss.storage),
    floatData(op, inputs.logits.storage),
    intData(op, inputs.targets.storage),
    inputs.weights ? floatData(op, inputs.weights.storage) : null,
    floatData(op, inputs.lse.storage),
    floatData(op, outputs.dlogits.storage),
    { N, V, ignoreIndex: attrs.ignoreIndex },
  );
};
