/**
 * AdamW (Loshchilov & Hutter), exactly torch.optim.AdamW (amsgrad off): per parameter, on the device,
 * one fused in-place kernel (`adamw` op):
 *
 * ```
 * step += 1
 * p ← p · (1 − lr · weightDecay)                       decoupled weight decay
 * m ← β1 · m + (1 − β1) · g                            first moment
 * v ← β2 · v + (1 − β2) · g²                           second moment
 * p ← p − lr / (1 − β1^step) · m / (√v / √(1 − β2^step) + eps)
 * ```
 *
 * Worked example (lr 0.1, β 0.9/0.999, eps 1e-8, no decay): p = 1, g = 0.5 → m = 0.05, v = 0.00025,
 * m̂ = 0.5, v̂ = 0.25, p ← 1 − 0.1 · 0.5/0.5 = 0.9: the first step moves every parameter by ≈ lr.
 *
 * Parameter groups carry their own lr, betas, eps and weight decay (see `decayGroups`). `m` and `v` are
 * created on the first step a parameter has a gradient; parameters without a gradient are skipped
 * (their step count does not advance), as in torch. Groups, step counts, `zeroGrad` and the saved
 * state come from `BaseOptimizer` (`optimizer.ts`).
 */

import { describeValue, requireOptions } from '../arguments.js';
import { adamwUpdate } from '../ops/adamw.js';
import type { Tensor } from '../tensor.js';
import { BaseOptimizer } from './optimizer.js';
import { OptimizerConfigError } from './optimizer-config-error.js';
import { checkRange, type ParamGroup } from './param-groups.js';

/** Defaults for every group (torch's defaults). */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** (β1, β2) (default [0.9, 0.999]; GPT-style training uses [0.9, 0.95]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (default 0.01). */
  weightDecay?: number;
}

function betasOf(betas: unknown): [number, number] {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new OptimizerConfigError({
      operation: 'AdamW',
      expected: 'betas a pair [beta1, beta2]',
      found: describeValue(betas),
      hint: 'the defaults are [0.9, 0.999]; GPT-2/nanoGPT training uses [0.9, 0.95]',
    });
  }
  return [betas[0], betas[1]];
}

/** A group with every hyper-parameter resolved. Mutate `lr` (or call `setLr`) to schedule it. */
export interface AdamWGroup {
  name?: string;
  params: readonly Tensor[];
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/**
 * The AdamW optimizer.
 *
 * @example
 * ```ts
 * const opt = new AdamW(decayGroups(model.namedParameters(), 0.1), { lr: 6e-4, betas: [0.9, 0.95] });
 * for (let step = 0; step < steps; step++) {
 *   opt.setLr(schedule(step));
 *   const loss = tidy(() => crossEntropy(model.forward(x), y));
 *   loss.backward();
 *   opt.step();
 *   opt.zeroGrad();
 *   loss.dispose();
 * }
 * ```
 */
export class AdamW extends BaseOptimizer<AdamWGroup> {
  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: AdamWOptions = {}) {
    const o = requireOptions('AdamW', options, 'options', OptimizerConfigError);
    super('AdamW', 'adamw', params, (g) => ({
      params: [...g.params],
      lr: g.lr ?? o.lr ?? 1e-3,
      betas: betasOf(g.betas ?? o.betas ?? [0.9, 0.999]),
      eps: g.eps ?? o.eps ?? 1e-8,
      weightDecay: g.weightDecay ?? o.weightDecay ?? 0.01,
    }));
  }

  protected checkGroup(g: AdamWGroup): void {
    checkRange('AdamW', 'lr', g.lr, 0, Number.POSITIVE_INFINITY);
    checkRange('AdamW', 'betas[0]', g.betas[0], 0, 1);
    checkRange('AdamW', 'betas[1]', g.betas[1], 0, 1);
    checkRange('AdamW', 'eps', g.eps, 0, Number.POSITIVE_INFINITY);
    checkRange('AdamW', 'weightDecay', g.weightDecay, 0, Number.POSITIVE_INFINITY);
  }

  protected stateSlots(): readonly string[] {
    return ['m', 'v'];
  }

  /** The fused in-place kernel: one dispatch per parameter, queued on the device, no read-back. */
  protected update(p: Tensor, grad: Tensor, g: AdamWGroup, step: number): void {
    const m = this.zerosSlot(p, 'm');
    const v = this.zerosSlot(p, 'v');
    adamwUpdate(p, grad, m, v, {
      lr: g.lr,
      beta1: g.betas[0],
      beta2: g.betas[1],
      eps: g.eps,
      weightDecay: g.weightDecay,
      step,
    });
  }
}
