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
 * so the parameter keeps its identity.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../autograd/tidy.js';
import { assignFrom, assignHost } from '../nn/assign.js';
import { zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer } from './optimizer.js';
import { OptimizerConfigError } from './optimizer-config-error.js';
import {
  checkStateMeta,
  OPTIMIZER_STATE_FORMAT,
  OPTIMIZER_STATE_VERSION,
  type OptimizerState,
  type StateTensor,
  stateTensorFor,
  toStateTensor,
} from './optimizer-state.js';
import { checkRange, type ParamGroup, toGroups } from './param-groups.js';

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
export class SGD implements Optimizer {
  readonly groups: SGDGroup[];
  private readonly buffers = new Map<Tensor, Tensor>();
  private readonly steps = new Map<Tensor, number>();

  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: SGDOptions = {}) {
    this.groups = toGroups('SGD', params).map((g) => {
      const group: SGDGroup = {
        params: [...g.params],
        lr: g.lr ?? options.lr ?? 1e-3,
        momentum: g.momentum ?? options.momentum ?? 0,
        dampening: options.dampening ?? 0,
        weightDecay: g.weightDecay ?? options.weightDecay ?? 0,
        nesterov: options.nesterov ?? false,
      };
      if (g.name !== undefined) group.name = g.name;
      SGD.check(group);
      return group;
    });
  }

  private static check(g: SGDGroup): void {
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

  /** Every parameter, flattened over groups in order. */
  get params(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** The learning rate of the first group. */
  get lr(): number {
    return this.groups[0]?.lr ?? 0;
  }

  /** Sets the learning rate of every group. */
  setLr(lr: number): void {
    checkRange('SGD.setLr', 'lr', lr, 0, Number.POSITIVE_INFINITY);
    for (const g of this.groups) g.lr = lr;
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const g of this.groups) {
        for (const p of g.params) {
          const grad = p.grad;
          if (grad === null) continue;
          tidy(() => {
            let d = g.weightDecay !== 0 ? grad.add(p.mul(g.weightDecay)) : grad;
            if (g.momentum !== 0) {
              const old = this.buffers.get(p);
              // First step: the buffer is a copy of d. Later: momentum · b + (1 − dampening) · d.
              const next =
                old === undefined
                  ? d.mul(1)
                  : old.mul(g.momentum).add(g.dampening === 0 ? d : d.mul(1 - g.dampening));
              next.keep();
              old?.dispose();
              this.buffers.set(p, next);
              d = g.nesterov ? d.add(next.mul(g.momentum)) : next;
            }
            assignFrom(p, p.sub(d.mul(g.lr)), 'SGD.step');
          });
          this.steps.set(p, (this.steps.get(p) ?? 0) + 1);
        }
      }
    });
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** The state for exact resume: hyper-parameters, step counts and `momentum.<i>` buffers. */
  async state(): Promise<OptimizerState> {
    const tensors = new Map<string, StateTensor>();
    const steps: number[] = [];
    for (const [i, p] of this.params.entries()) {
      steps.push(this.steps.get(p) ?? 0);
      const b = this.buffers.get(p);
      if (b) tensors.set(`momentum.${i}`, await toStateTensor(b));
    }
    return {
      meta: {
        format: OPTIMIZER_STATE_FORMAT,
        version: OPTIMIZER_STATE_VERSION,
        type: 'sgd',
        groups: this.groups.map((g) => ({
          ...(g.name === undefined ? {} : { name: g.name }),
          size: g.params.length,
          hyper: {
            lr: g.lr,
            momentum: g.momentum,
            dampening: g.dampening,
            weightDecay: g.weightDecay,
            nesterov: g.nesterov,
          },
        })),
        steps,
      },
      tensors,
    };
  }

  /** Restores a state from `state()` (checked before anything is written). */
  loadState(state: OptimizerState): void {
    const op = 'SGD.loadState';
    checkStateMeta(
      op,
      state.meta,
      'sgd',
      this.groups.map((g) => g.params.length),
    );
    const params = this.params;
    const plan = params.map((p, i) => {
      const step = state.meta.steps[i] ?? 0;
      const has = state.tensors.has(`momentum.${i}`);
      return { p, step, buf: has ? stateTensorFor(op, state, `momentum.${i}`, p) : undefined };
    });
    const hypers = this.groups.map((g, gi) => {
      const h = state.meta.groups[gi]!.hyper as Omit<SGDGroup, 'params' | 'name'>;
      const next: SGDGroup = { ...g, ...h };
      SGD.check(next);
      return next;
    });
    for (const [gi, g] of this.groups.entries()) Object.assign(g, hypers[gi]);
    noGrad(() => {
      for (const { p, step, buf } of plan) {
        if (step === 0) this.steps.delete(p);
        else this.steps.set(p, step);
        let b = this.buffers.get(p);
        if (!buf) {
          b?.dispose();
          this.buffers.delete(p);
          continue;
        }
        if (!b) {
          b = zerosLike(p).keep();
          this.buffers.set(p, b);
        }
        assignHost(b, buf.data, op);
      }
    });
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
    this.steps.clear();
  }
}
