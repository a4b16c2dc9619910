/**
 * Embedding: a (numEmbeddings, dim) table looked up by i32 ids: ids (...) → (..., dim).
 * Default init N(0, 1) as torch; GPT-2 uses normal(0, 0.02). The backward scatters into the rows
 * that were used (the gather op's scatterAdd).
 */

import { embedding } from '../ops/gather.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import { type Initializer, normal } from './init.js';
import { Module } from './module.js';
import { initTensor, type ParamOptions } from './param.js';

/** Options of Embedding. */
export interface EmbeddingOptions extends ParamOptions {
  /** Seeded generator for the initial values. */
  generator?: RandomGenerator;
  /** Weight initialiser (default normal(0, 1)). */
  weightInit?: Initializer;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `dim`.
 *
 * @example
 * ```ts
 * const wte = new Embedding(50257, 768, { generator: new RandomGenerator(0), weightInit: normal(0, 0.02) });
 * const h = wte.forward(ids); // ids i32 (B,T) → (B,T,768)
 * ```
 */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly dim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    this.weight = this.registerParameter(
      'weight',
      initTensor(
        [numEmbeddings, dim],
        options.weightInit ?? normal(0, 1),
        options.generator,
        options,
        'Embedding',
      ),
    );
  }

  /** Rows of the table for each id. */
  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}
