/**
 * Embedding: a (numEmbeddings, dim) table looked up by i32 ids: ids (...) → (..., dim).
 * Default init N(0, 1) as torch; GPT-2 uses normal(0, 0.02). The backward scatters into the rows
 * that were used (the gather op's scatterAdd).
 *
 * `attend(x)` runs the table the other way, x · Wᵀ: scores of x against every row. That is a
 * language model's output head when it is tied to the token embedding (GPT-2's `lm_head` shares
 * `wte`), as Flax's `Embed.attend`.
 */

import { requireCount, requireOptions } from '../arguments.js';
import { embedding } from '../ops/gather.js';
import { matmul } from '../ops/matmul.js';
import type { RandomGenerator } from '../random/random-generator.js';
import type { Tensor } from '../tensor.js';
import { normal, type ParamInitializer } from './init.js';
import { Module } from './module.js';
import { initTensor, type ParamOptions } from './param.js';

/** Options of Embedding. */
export interface EmbeddingOptions extends ParamOptions {
  /** Seeded generator for the initial values. */
  generator?: RandomGenerator;
  /** Weight initialiser, host or device (default normal(0, 1)). */
  weightInit?: ParamInitializer;
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
    requireCount('Embedding', 'numEmbeddings', numEmbeddings, 'the number of rows: the vocabulary size');
    requireCount('Embedding', 'dim', dim, 'the size of each vector');
    requireOptions('Embedding', options);
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

  /**
   * x · Wᵀ: x (..., dim) → (..., numEmbeddings), the score of x against every row of the table.
   *
   * @example
   * ```ts
   * const logits = wte.attend(hidden); // (B, T, 768) → (B, T, 50257): the tied output head
   * ```
   */
  attend(x: Tensor): Tensor {
    return matmul(x, this.weight, { transB: true });
  }
}
