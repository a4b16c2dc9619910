/**
 * What every optimizer shares, torch.optim style: parameter groups (each with its own
 * hyper-parameters), per-parameter state tensors ("slots": AdamW's `m` and `v`, SGD's `momentum`),
 * per-parameter step counts, `zeroGrad`, and the saved state for exact resume. An optimizer only
 * says how its groups are resolved and checked, which slots a stepped parameter has, and how one
 * parameter is updated:
 *
 * ```
 * class MyOptimizer extends BaseOptimizer<MyGroup> {
 *   constructor(params, options) { super('MyOptimizer', 'my', params, (g) => ({ ... })); }
 *   protected checkGroup(g) { ... }                  // hyper-parameter ranges
 *   protected stateSlots(g) { return ['m']; }        // what state()/loadState() carry
 *   protected update(p, grad, g, step) { ... }       // one parameter, under noGrad
 * }
 * ```
 *
 * Saved state (see `optimizer-state.ts`): each group's hyper-parameters (every group field except
 * `params` and `name`), each parameter's step count, and the slot `s` of the parameter with flat
 * index `i` as the tensor `s.<i>`.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { assignHost } from '../nn/assign.js';
import { zerosLike } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import {
  checkStateMeta,
  OPTIMIZER_STATE_FORMAT,
  OPTIMIZER_STATE_VERSION,
  type OptimizerState,
  type SavedGroup,
  type StateTensor,
  stateTensorFor,
  toStateTensor,
} from './optimizer-state.js';
import { checkRange, type ParamGroup, toGroups } from './param-groups.js';

/**
 * What every optimizer of this package offers, so a training loop can take any of them.
 *
 * @example
 * ```ts
 * function trainStep(opt: Optimizer, loss: Tensor, lr: number): void {
 *   opt.setLr(lr);
 *   loss.backward();
 *   opt.step();
 *   opt.zeroGrad();
 * }
 * ```
 */
export interface Optimizer {
  /** Every parameter, flattened over groups in order (the index the saved state uses). */
  readonly params: Tensor[];
  /** The first group's learning rate. */
  readonly lr: number;
  /** Sets every group's learning rate. */
  setLr(lr: number): void;
  /** One update of every parameter that has a gradient. */
  step(): void;
  /** Drops every parameter's gradient. */
  zeroGrad(): void;
  /** The state for exact resume (reads optimizer tensors back to the host). */
  state(): Promise<OptimizerState>;
  /** Restores a state from `state()`. */
  loadState(state: OptimizerState): void;
  /** Frees the optimizer's tensors. */
  dispose(): void;
}

/** What every resolved group carries; an optimizer's group type adds its hyper-parameters. */
export interface OptimizerGroup {
  /** A label for logs and state files. */
  name?: string;
  params: readonly Tensor[];
  /** Mutate it (or call `setLr`) to schedule the learning rate. */
  lr: number;
}

type Hyper = SavedGroup['hyper'];

/** A group's hyper-parameters: every field but `params` and `name` (arrays copied). */
function hyperOf(group: OptimizerGroup): Hyper {
  const hyper: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(group)) {
    if (k !== 'params' && k !== 'name') hyper[k] = Array.isArray(v) ? [...v] : v;
  }
  return hyper as Hyper;
}

/**
 * The base class of AdamW and SGD (see the file comment for what a subclass provides).
 *
 * @example
 * ```ts
 * const opt: BaseOptimizer<AdamWGroup> = new AdamW(model.parameters(), { lr: 1e-3 });
 * opt.groups[0].lr = 5e-4;        // per-group hyper-parameters, as torch's param_groups
 * opt.stepCount(model.parameters()[0]); // 0 before the first step
 * ```
 */
export abstract class BaseOptimizer<G extends OptimizerGroup> implements Optimizer {
  /** The parameter groups with every hyper-parameter resolved (torch's `param_groups`). */
  readonly groups: G[];
  /** Per parameter: its state tensors by slot name, in creation order. */
  private readonly slots = new Map<Tensor, Map<string, Tensor>>();
  /** Per parameter: updates applied so far. */
  private readonly steps = new Map<Tensor, number>();

  /**
   * @param name the optimizer's name in error messages (`AdamW`)
   * @param type the `type` written into and expected from saved states (`adamw`)
   * @param resolve a group with the optimizer's defaults filled in (its `name` is copied after)
   */
  protected constructor(
    private readonly name: string,
    private readonly type: string,
    params: readonly Tensor[] | readonly ParamGroup[],
    resolve: (group: ParamGroup) => G,
  ) {
    this.groups = toGroups(name, params).map((g) => {
      const group = resolve(g);
      if (g.name !== undefined) group.name = g.name;
      this.checkGroup(group);
      return group;
    });
  }

  /** Throws OptimizerConfigError when a hyper-parameter of `group` is out of range. */
  protected abstract checkGroup(group: G): void;

  /** The slots a parameter of `group` has once stepped (what `loadState` requires). */
  protected abstract stateSlots(group: G): readonly string[];

  /** Updates one parameter in place (runs under noGrad; `step` counts from 1). */
  protected abstract update(param: Tensor, grad: Tensor, group: G, step: number): void;

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
    checkRange(`${this.name}.setLr`, 'lr', lr, 0, Number.POSITIVE_INFINITY);
    for (const g of this.groups) g.lr = lr;
  }

  /** Updates applied to `param` so far. */
  stepCount(param: Tensor): number {
    return this.steps.get(param) ?? 0;
  }

  /** One update of every parameter that has a gradient (parameters without one are skipped). */
  step(): void {
    noGrad(() => {
      for (const g of this.groups) {
        for (const p of g.params) {
          const grad = p.grad;
          if (grad === null) continue;
          const step = this.stepCount(p) + 1;
          this.steps.set(p, step);
          this.update(p, grad, g, step);
        }
      }
    });
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** The state tensor `slot` of `param`, if it has one. */
  protected slot(param: Tensor, slot: string): Tensor | undefined {
    return this.slots.get(param)?.get(slot);
  }

  /** Stores `value` as `param`'s `slot` (kept out of tidy scopes; the previous value is freed). */
  protected setSlot(param: Tensor, slot: string, value: Tensor): Tensor {
    let own = this.slots.get(param);
    if (!own) {
      own = new Map();
      this.slots.set(param, own);
    }
    const old = own.get(slot);
    own.set(slot, value.keep());
    if (old !== value) old?.dispose();
    return value;
  }

  /** `param`'s `slot`, created as zeros shaped like the parameter on first use. */
  protected zerosSlot(param: Tensor, slot: string): Tensor {
    return this.slot(param, slot) ?? this.setSlot(param, slot, zerosLike(param));
  }

  private clearSlots(param: Tensor): void {
    for (const t of this.slots.get(param)?.values() ?? []) t.dispose();
    this.slots.delete(param);
  }

  /** The state for exact resume: hyper-parameters, step counts, and every slot read back to the host. */
  async state(): Promise<OptimizerState> {
    const tensors = new Map<string, StateTensor>();
    const steps: number[] = [];
    for (const [i, p] of this.params.entries()) {
      steps.push(this.stepCount(p));
      for (const [slot, t] of this.slots.get(p) ?? []) tensors.set(`${slot}.${i}`, await toStateTensor(t));
    }
    return {
      meta: {
        format: OPTIMIZER_STATE_FORMAT,
        version: OPTIMIZER_STATE_VERSION,
        type: this.type,
        groups: this.groups.map((g) => ({
          ...(g.name === undefined ? {} : { name: g.name }),
          size: g.params.length,
          hyper: hyperOf(g),
        })),
        steps,
      },
      tensors,
    };
  }

  /**
   * Restores a state from `state()` (hyper-parameters, step counts, slots) into this optimizer, whose
   * groups must have the same sizes and parameter shapes. Everything is checked before anything is
   * written.
   */
  loadState(state: OptimizerState): void {
    const op = `${this.name}.loadState`;
    checkStateMeta(
      op,
      state.meta,
      this.type,
      this.groups.map((g) => g.params.length),
    );
    const groups = this.groups.map((g, gi) => {
      const saved = state.meta.groups[gi]!.hyper;
      const next = { ...g };
      for (const k of Object.keys(hyperOf(g))) {
        const v = saved[k];
        (next as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
      }
      this.checkGroup(next);
      return next;
    });
    let i = 0;
    const plan = groups.flatMap((g) =>
      g.params.map((p) => {
        const index = i++;
        const step = state.meta.steps[index] ?? 0;
        const slots = step === 0 ? [] : this.stateSlots(g);
        return {
          p,
          step,
          slots: slots.map((s) => [s, stateTensorFor(op, state, `${s}.${index}`, p)] as const),
        };
      }),
    );
    for (const [gi, g] of this.groups.entries()) Object.assign(g, groups[gi]);
    noGrad(() => {
      for (const { p, step, slots } of plan) {
        if (step === 0) this.steps.delete(p);
        else this.steps.set(p, step);
        const wanted = new Set(slots.map(([s]) => s));
        for (const [s, t] of this.slots.get(p) ?? []) {
          if (wanted.has(s)) continue;
          t.dispose();
          this.slots.get(p)!.delete(s);
        }
        if (slots.length === 0) this.clearSlots(p);
        for (const [s, saved] of slots) assignHost(this.zerosSlot(p, s), saved.data, op);
      }
    });
  }

  /** Frees every state tensor. */
  dispose(): void {
    for (const p of [...this.slots.keys()]) this.clearSlots(p);
    this.steps.clear();
  }
}
