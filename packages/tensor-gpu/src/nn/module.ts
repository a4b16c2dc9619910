/**
 * Module: a tree of named parameters, buffers and child modules, as in torch.nn.Module.
 *
 * A subclass registers what it owns in its constructor and writes its own `forward`:
 *
 * ```ts
 * class Mlp extends Module {
 *   fc1 = this.registerModule('fc1', new Linear(4, 8, { generator }));
 *   fc2 = this.registerModule('fc2', new Linear(8, 2, { generator }));
 *   forward(x: Tensor) { return tidy(() => this.fc2.forward(this.fc1.forward(x).relu())); }
 * }
 * ```
 *
 * Names are dotted paths, built from registration names: the MLP above has parameters
 * `fc1.weight`, `fc1.bias`, `fc2.weight`, `fc2.bias`, the same keys `stateDict()` returns and
 * `loadStateDict()` expects (and PyTorch / safetensors files use).
 *
 * Parameters are leaves with `requiresGrad` and are exempt from `tidy` scopes (they live until
 * `module.dispose()`). A tensor registered twice (tied weights, e.g. GPT-2's token embedding and LM
 * head) appears once in `parameters()` and under both names in `stateDict()`, as in torch.
 */

import { describeValue } from '../arguments.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Backend } from '../backend/backend.js';
import { ArgumentError, BackendError } from '../errors.js';
import { cast } from '../ops/cast.js';
import { requireTensor } from '../ops/run.js';
import type { Tensor } from '../tensor.js';
import { assignFrom, assignHost } from './assign.js';
import { StateDictError } from './state-dict-error.js';

/** Host data for one tensor: a safetensors entry or anything with a shape and numbers. */
export interface HostTensor {
  readonly shape: readonly number[];
  /** Values (a BigInt64Array from an I64 safetensors entry is converted to numbers). */
  readonly data: ArrayLike<number> | BigInt64Array;
}

/** Where `loadStateDict` reads from: name → Tensor or host data (Map or plain object). */
export type StateDictSource =
  | ReadonlyMap<string, Tensor | HostTensor>
  | Readonly<Record<string, Tensor | HostTensor>>;

/** What `loadStateDict` did not match (always empty lists in strict mode, which throws instead). */
export interface LoadStateDictResult {
  missing: string[];
  unexpected: string[];
}

function isTensor(v: Tensor | HostTensor): v is Tensor {
  return typeof (v as Tensor).dispose === 'function' && 'backend' in v;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const fmt = (s: readonly number[]) => `(${s.join(',')})`;

/**
 * Compares a module's keys and shapes with a source's: returns the missing and unexpected keys, or
 * throws one StateDictError listing every problem (mis-shaped keys always; missing and unexpected
 * ones too in strict mode). `loadStateDict` and the streaming file loader share it.
 *
 * @example
 * ```ts
 * matchStateDict('load', model.stateDict(), new Map([['w', { shape: [2] }]]), false);
 * // { missing: [...every key but w], unexpected: [] } when w has shape (2)
 * ```
 */
export function matchStateDict(
  op: string,
  own: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  entries: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  strict: boolean,
): LoadStateDictResult {
  const missing = [...own.keys()].filter((k) => !entries.has(k));
  const unexpected = [...entries.keys()].filter((k) => !own.has(k));
  const mismatched: string[] = [];
  for (const [k, t] of own) {
    const src = entries.get(k);
    if (src !== undefined && !sameShape(src.shape, t.shape)) {
      mismatched.push(`${k}: expected ${fmt(t.shape)}, found ${fmt(src.shape)}`);
    }
  }
  if (mismatched.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
    const list = (xs: string[], sep: string) => `${xs.slice(0, 5).join(sep)}${xs.length > 5 ? ', ...' : ''}`;
    const parts = [
      missing.length ? `missing ${missing.length} (${list(missing, ', ')})` : '',
      unexpected.length ? `unexpected ${unexpected.length} (${list(unexpected, ', ')})` : '',
      mismatched.length ? `mis-shaped ${mismatched.length} (${list(mismatched, '; ')})` : '',
    ].filter(Boolean);
    throw new StateDictError({
      operation: op,
      expected: `the ${own.size} keys of the module with their shapes`,
      found: parts.join(', '),
      hint:
        mismatched.length > 0
          ? 'the checkpoint is for a different configuration (or needs a transpose, e.g. GPT-2 Conv1D weights)'
          : 'rename keys to match stateDict(), or pass { strict: false }',
      missing,
      unexpected,
      mismatched,
    });
  }
  return { missing, unexpected };
}

/**
 * Base class of every layer and model.
 *
 * @example
 * ```ts
 * const lin = new Linear(3, 2, { generator: new RandomGenerator(0) });
 * [...lin.stateDict().keys()]; // ['weight', 'bias']
 * lin.eval();                   // training = false for it and its children
 * ```
 */
export class Module {
  /** True in training mode (dropout active); `train()` / `eval()` set it for the whole tree. */
  training = true;
  private readonly _parameters = new Map<string, Tensor>();
  private readonly _buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  private readonly _modules = new Map<string, Module>();

  /**
   * Registers `tensor` as parameter `name`: marks it `requiresGrad` and keeps it out of `tidy`
   * scopes. Returns it, so `this.weight = this.registerParameter('weight', t)` reads well.
   */
  protected registerParameter(name: string, tensor: Tensor): Tensor {
    this.checkName('registerParameter', name);
    requireTensor(`${this.constructor.name}.registerParameter`, name, tensor);
    tensor.keep();
    if (!tensor.requiresGrad) tensor.requireGrad();
    this._parameters.set(name, tensor);
    return tensor;
  }

  /**
   * Registers a non-trainable tensor (running statistics, a causal mask, a RoPE table). Persistent
   * buffers are part of `stateDict()`.
   */
  protected registerBuffer(name: string, tensor: Tensor, persistent = true): Tensor {
    this.checkName('registerBuffer', name);
    requireTensor(`${this.constructor.name}.registerBuffer`, name, tensor);
    tensor.keep();
    this._buffers.set(name, { tensor, persistent });
    return tensor;
  }

  /** Registers a child module under `name`; returns it. */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.checkName('registerModule', name);
    if (!(module instanceof Module)) {
      throw new ArgumentError({
        operation: `${this.constructor.name}.registerModule`,
        expected: `${name} a Module`,
        found: describeValue(module),
        hint: 'register tensors with registerParameter / registerBuffer',
      });
    }
    this._modules.set(name, module);
    return module;
  }

  private checkName(op: string, name: string): void {
    if (
      typeof name !== 'string' ||
      name.length === 0 ||
      name.includes('.') ||
      this._parameters.has(name) ||
      this._buffers.has(name) ||
      this._modules.has(name)
    ) {
      throw new StateDictError({
        operation: `${this.constructor.name}.${op}`,
        expected: 'a new, non-empty name without dots',
        found: JSON.stringify(name),
        hint: 'names become dotted paths in the state dict; each must be unique within its module',
      });
    }
  }

  /** The direct children, in registration order. */
  children(): [string, Module][] {
    return [...this._modules.entries()];
  }

  /** This module and every descendant with its dotted path ('' for this one), depth first. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, m] of this._modules) out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /**
   * Every parameter with its dotted name, depth first in registration order; a tensor registered
   * under several names (tied weights) is listed once, under its first name.
   */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m._parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([path ? `${path}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** The unique parameters (what an optimizer updates). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Total number of parameter elements (tied weights counted once). */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * Parameters and persistent buffers by dotted name (tied weights under every name). The tensors
   * are the module's own (not copies): read them, do not dispose them.
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [path, m] of this.namedModules()) {
      const key = (name: string) => (path ? `${path}.${name}` : name);
      for (const [name, p] of m._parameters) out.set(key(name), p);
      for (const [name, b] of m._buffers) if (b.persistent) out.set(key(name), b.tensor);
    }
    return out;
  }

  /**
   * Copies values from `source` into this module's parameters and persistent buffers, in place
   * (tensors keep their identity, so optimizers holding them stay valid). Host data is converted to
   * each tensor's dtype; Tensors on the same backend are copied on the device, CPU tensors into a
   * module on another backend through the host (a GPU source must be read first, see
   * `toSafetensorsInput`). Strict mode (default) throws one StateDictError listing every missing,
   * unexpected and mis-shaped key before writing anything; `strict: false` loads what matches and
   * returns the missing and unexpected keys (mis-shaped keys still throw).
   *
   * @example
   * ```ts
   * model.loadStateDict(await loadSafetensors('model.safetensors'));
   * ```
   */
  loadStateDict(source: StateDictSource, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const op = `${this.constructor.name}.loadStateDict`;
    const entries = new Map<string, Tensor | HostTensor>(
      source instanceof Map
        ? [...(source as ReadonlyMap<string, Tensor | HostTensor>)]
        : Object.entries(source),
    );
    const own = this.stateDict();
    const { missing, unexpected } = matchStateDict(op, own, entries, strict);
    noGrad(() => {
      for (const [k, t] of own) {
        const src = entries.get(k);
        if (src === undefined) continue;
        if (!isTensor(src)) {
          assignHost(t, src.data instanceof BigInt64Array ? Array.from(src.data, Number) : src.data, op);
          continue;
        }
        if (src.backend !== t.backend) {
          // Another backend: a synchronous host read works from the CPU; a GPU source needs an await.
          if (!src.backend.readSync) {
            throw new BackendError({
              operation: op,
              expected: `source tensors on the ${t.backend.name} backend or on the CPU`,
              found: `${k} on ${src.backend.name}`,
              hint: 'read them first: module.loadStateDict(await toSafetensorsInput(other.stateDict()))',
            });
          }
          assignHost(t, src.dataSync(), op);
          continue;
        }
        const converted = src.dtype === t.dtype ? src : cast(src, t.dtype);
        assignFrom(t, converted, op);
        if (converted !== src) converted.dispose();
      }
    });
    return { missing: strict ? [] : missing, unexpected: strict ? [] : unexpected };
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off): `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets `requiresGrad` on every parameter: `requireGrad(false)` freezes the module (a PPO reference
   * policy, a frozen backbone under a new head); returns this.
   */
  requireGrad(flag = true): this {
    for (const p of this.parameters()) {
      p.requireGrad(flag);
      if (!flag) p.zeroGrad();
    }
    return this;
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** The backend of the first parameter (undefined for a module without parameters). */
  get backend(): Backend | undefined {
    return this.parameters()[0]?.backend;
  }

  /** Frees every parameter and buffer of the tree (the module cannot be used afterwards). */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const p of m._parameters.values()) p.dispose();
      for (const b of m._buffers.values()) b.tensor.dispose();
    }
  }
}
