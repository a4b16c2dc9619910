/**
 * ModuleList: child modules registered as "0", "1", ... (the names torch and HF checkpoints use for
 * a stack of transformer blocks: `h.0.attn...`, `layers.11.mlp...`).
 */

import { describeValue } from '../arguments.js';
import { ArgumentError } from '../errors.js';
import { Module } from './module.js';

/**
 * An indexed list of modules.
 *
 * @example
 * ```ts
 * const blocks = new ModuleList([new Linear(4, 4, { generator }), new Linear(4, 4, { generator })]);
 * [...blocks.stateDict().keys()]; // ['0.weight', '0.bias', '1.weight', '1.bias']
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    if (typeof (modules as Partial<Iterable<M>>)?.[Symbol.iterator] !== 'function') {
      throw new ArgumentError({
        operation: 'ModuleList',
        expected: 'an iterable of modules (an array)',
        found: describeValue(modules),
        hint: 'new ModuleList([blockA, blockB])',
      });
    }
    for (const m of modules) this.push(m);
  }

  /** Appends a module (registered as the next index). */
  push(module: M): this {
    if (!(module instanceof Module)) {
      throw new ArgumentError({
        operation: 'ModuleList.push',
        expected: 'a Module',
        found: describeValue(module),
        hint: 'a ModuleList holds layers (Linear, blocks, ...); keep other values in plain arrays',
      });
    }
    this.items.push(this.registerModule(String(this.items.length), module));
    return this;
  }

  /** The module at `index`. */
  at(index: number): M | undefined {
    return this.items.at(index);
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}
