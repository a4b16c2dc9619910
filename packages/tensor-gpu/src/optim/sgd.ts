/**
 * SGD with momentum, exactly torch.optim.SGD (maximize off): per parameter with gradient g,
 *
 * ```
 * g ← g + weightDecay · p                               (L2 penalty, coupled, when weightDecay > 0)
 * b ← g                         on the first step       (momentum buffer, when momentum > 0)
 * b ← momentum · b + (1 − dampening) · g   afterwards
 * g ← g + momentum · b  (nesterov)   or   g ← b
 * p ← p − lr · g
 * ```
 *
 * Worked example (lr 0.1, momentum 0.9): g = 1 on two steps → b = 1 then 1.9, so p moves by 0.1 then
 * 0.19. The new values are computed out of place and written back into the parameter's own storage,
 * so the parameter keeps its identity. Groups, step counts, `zeroGrad` and the saved state come from
 * `BaseOptimizer` (`optimizer.ts`).
 */

import { requireBoolean, requireOptions } from '../arguments.js';
import { tidy } from '../autograd/tidy.js';
import { assignFrom } from '../nn/assign.js';
import type { Tensor } from '../tensor.js';
import { BaseOptimizer } from './optimizer.js';
import { OptimizerConfigError } from './optimizer-config-error.js';
import { checkRange, type ParamGroup } from './param-groups.js';

/** Defaults for every group (torch's). */
export interface SGDOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum?: number;
  /** Dampening of the gradient in the momentum update (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
}

/** A group with every hyper-parameter resolved. */
export interface SGDGroup {
  name?: string;
  params: readonly Tensor[];
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum.
 *
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * loss.backward();
 * opt.step();
 * opt.zeroGrad();
 * ```
 */
export class SGD extends BaseOptimizer<SGDGroup> {
  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: SGDOptions = {}) {
    const o = requireOptions('SGD', options, 'options', OptimizerConfigError);
    const nesterov = requireBoolean('SGD', 'nesterov', o.nesterov, false, OptimizerConfigError);
    super('SGD', 'sgd', params, (g) => ({
      params: [...g.params],
      lr: g.lr ?? o.lr ?? 1e-3,
      momentum: g.momentum ?? o.momentum ?? 0,
      dampening: o.dampening ?? 0,
      weightDecay: g.weightDecay ?? o.weightDecay ?? 0,
      nesterov,
    }));
  }

  protected checkGroup(g: SGDGroup): void {
    checkRange('SGD', 'lr', g.lr, 0, Number.POSITIVE_INFINITY);
    checkRange('SGD', 'momentum', g.momentum, 0, Number.POSITIVE_INFINITY);
    checkRange('SGD', 'dampening', g.dampening, 0, 1, true);
    checkRange('SGD', 'weightDecay', g.weightDecay, 0, Number.POSITIVE_INFINITY);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new OptimizerConfigError({
        operation: 'SGD',
        expected: 'momentum > 0 and dampening 0 with nesterov',
        found: `momentum ${g.momentum}, dampening ${g.dampening}`,
        hint: 'as torch.optim.SGD requires',
      });
    }
  }

  protected stateSlots(g: SGDGroup): readonly string[] {
    return g.momentum !== 0 ? ['momentum'] : [];
  }

  protected update(p: Tensor, grad: Tensor, g: SGDGroup): void {
    tidy(() => {
      let d = g.weightDecay !== 0 ? grad.add(p.mul(g.weightDecay)) : grad;
      if (g.momentum !== 0) {
        const old = this.slot(p, 'momentum');
        // First step: the buffer is a copy of d. Later: momentum · b + (1 − dampening) · d.
        const next = this.setSlot(
          p,
          'momentum',
          old === undefined
            ? d.mul(1)
            : old.mul(g.momentum).add(g.dampening === 0 ? d : d.mul(1 - g.dampening)),
        );
        d = g.nesterov ? d.add(next.mul(g.momentum)) : next;
      }
      assignFrom(p, p.sub(d.mul(g.lr)), 'SGD.step');
    });
  }
}
