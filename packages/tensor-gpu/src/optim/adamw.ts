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
 * (their step count does not advance), as in torch.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { assignHost } from '../nn/assign.js';
import { adamwUpdate } from '../ops/adamw.js';
import { zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import type { Optimizer } from './optimizer.js';
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
 *   const loss = model.loss(batch);
 *   loss.backward();
 *   opt.step();
 *   opt.zeroGrad();
 * }
 * ```
 */
export class AdamW implements Optimizer {
  readonly groups: AdamWGroup[];
  private readonly m = new Map<Tensor, Tensor>();
  private readonly v = new Map<Tensor, Tensor>();
  private readonly steps = new Map<Tensor, number>();

  constructor(params: readonly Tensor[] | readonly ParamGroup[], options: AdamWOptions = {}) {
    this.groups = toGroups('AdamW', params).map((g) => {
      const group: AdamWGroup = {
        params: [...g.params],
        lr: g.lr ?? options.lr ?? 1e-3,
        betas: [...(g.betas ?? options.betas ?? [0.9, 0.999])] as [number, number],
        eps: g.eps ?? options.eps ?? 1e-8,
        weightDecay: g.weightDecay ?? options.weightDecay ?? 0.01,
      };
      if (g.name !== undefined) group.name = g.name;
      AdamW.check(group);
      return group;
    });
  }

  private static check(g: AdamWGroup): void {
    checkRange('AdamW', 'lr', g.lr, 0, Number.POSITIVE_INFINITY);
    checkRange('AdamW', 'betas[0]', g.betas[0], 0, 1);
    checkRange('AdamW', 'betas[1]', g.betas[1], 0, 1);
    checkRange('AdamW', 'eps', g.eps, 0, Number.POSITIVE_INFINITY);
    checkRange('AdamW', 'weightDecay', g.weightDecay, 0, Number.POSITIVE_INFINITY);
  }

  /** Every parameter, flattened over groups in order (the index used by the saved state). */
  get params(): Tensor[] {
    return this.groups.flatMap((g) => g.params);
  }

  /** The learning rate of the first group. */
  get lr(): number {
    return this.groups[0]?.lr ?? 0;
  }

  /** Sets the learning rate of every group (call with `schedule(step)` before each step). */
  setLr(lr: number): void {
    checkRange('AdamW.setLr', 'lr', lr, 0, Number.POSITIVE_INFINITY);
    for (const g of this.groups) g.lr = lr;
  }

  /** Updates applied to `param` so far. */
  stepCount(param: Tensor): number {
    return this.steps.get(param) ?? 0;
  }

  /** One update of every parameter that has a gradient (queued on the device, no read-back). */
  step(): void {
    noGrad(() => {
      for (const g of this.groups) {
        for (const p of g.params) {
          const grad = p.grad;
          if (grad === null) continue;
          let m = this.m.get(p);
          let v = this.v.get(p);
          if (m === undefined || v === undefined) {
            m = zerosLike(p).keep();
            v = zerosLike(p).keep();
            this.m.set(p, m);
            this.v.set(p, v);
          }
          const step = (this.steps.get(p) ?? 0) + 1;
          this.steps.set(p, step);
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
    });
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /**
   * The state for exact resume: hyper-parameters, step counts, and `m.<i>` / `v.<i>` read back to the
   * host (the only read-back AdamW does).
   */
  async state(): Promise<OptimizerState> {
    const params = this.params;
    const tensors = new Map<string, StateTensor>();
    const steps: number[] = [];
    for (const [i, p] of params.entries()) {
      steps.push(this.steps.get(p) ?? 0);
      const m = this.m.get(p);
      const v = this.v.get(p);
      if (m && v) {
        tensors.set(`m.${i}`, await toStateTensor(m));
        tensors.set(`v.${i}`, await toStateTensor(v));
      }
    }
    return {
      meta: {
        format: OPTIMIZER_STATE_FORMAT,
        version: OPTIMIZER_STATE_VERSION,
        type: 'adamw',
        groups: this.groups.map((g) => ({
          ...(g.name === undefined ? {} : { name: g.name }),
          size: g.params.length,
          hyper: { lr: g.lr, betas: [...g.betas], eps: g.eps, weightDecay: g.weightDecay },
        })),
        steps,
      },
      tensors,
    };
  }

  /**
   * Restores a state from `state()` (hyper-parameters, step counts, moments) into this optimizer,
   * whose groups must have the same sizes and parameter shapes. Checks everything before writing.
   */
  loadState(state: OptimizerState): void {
    const op = 'AdamW.loadState';
    checkStateMeta(
      op,
      state.meta,
      'adamw',
      this.groups.map((g) => g.params.length),
    );
    const params = this.params;
    const plan: { p: Tensor; step: number; m?: StateTensor; v?: StateTensor }[] = params.map((p, i) => {
      const step = state.meta.steps[i] ?? 0;
      if (step === 0) return { p, step };
      return {
        p,
        step,
        m: stateTensorFor(op, state, `m.${i}`, p),
        v: stateTensorFor(op, state, `v.${i}`, p),
      };
    });
    const hypers = this.groups.map((g, gi) => {
      const h = state.meta.groups[gi]!.hyper as {
        lr: number;
        betas: [number, number];
        eps: number;
        weightDecay: number;
      };
      const next: AdamWGroup = {
        ...g,
        lr: h.lr,
        betas: [h.betas[0], h.betas[1]],
        eps: h.eps,
        weightDecay: h.weightDecay,
      };
      AdamW.check(next);
      return next;
    });
    for (const [gi, g] of this.groups.entries()) Object.assign(g, hypers[gi]);
    noGrad(() => {
      for (const { p, step, m, v } of plan) {
        if (step === 0 || !m || !v) {
          this.m.get(p)?.dispose();
          this.v.get(p)?.dispose();
          this.m.delete(p);
          this.v.delete(p);
          this.steps.delete(p);
          continue;
        }
        let mt = this.m.get(p);
        let vt = this.v.get(p);
        if (!mt || !vt) {
          mt = zerosLike(p).keep();
          vt = zerosLike(p).keep();
          this.m.set(p, mt);
          this.v.set(p, vt);
        }
        assignHost(mt, m.data, op);
        assignHost(vt, v.data, op);
        this.steps.set(p, step);
      }
    });
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const t of this.m.values()) t.dispose();
    for (const t of this.v.values()) t.dispose();
    this.m.clear();
    this.v.clear();
    this.steps.clear();
  }
}
