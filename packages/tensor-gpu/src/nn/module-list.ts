/**
 * ModuleList: child modules registered as "0", "1", ... (the names torch and HF checkpoints use for
 * a stack of transformer blocks: `h.0.attn...`, `layers.11.mlp...`).
 */

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
    for (const m of modules) this.push(m);
  }

  /** Appends a module (registered as the next index). */
  push(module: M): this {
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
