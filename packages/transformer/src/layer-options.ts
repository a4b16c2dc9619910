/**
 * How the layers of one model make their parameters: where they live, in which dtype, and GPT-2's
 * initialization, as the options every tensor-gpu layer of the model is constructed with.
 *
 *   weight matrices, token and position embeddings   N(0, initStd²)                     (0.02)
 *   residual projections (attn.o, mlp.down)          N(0, (initStd / √(2·nLayer))²)     (GPT-2 §2.3)
 *   biases                                           0
 *   norm gains                                       1
 *
 * Every draw comes from one Philox stream seeded by the model seed and is made on the device
 * (`deviceNormal`), in the order the layers are constructed, which is data-flow order: wte, wpe,
 * then per block q, k, v, o, (gate), up, down, then lmHead. Biases and norms draw nothing. Without
 * init (`fromPretrained`), weights are allocated as zeros on the device and overwritten by the
 * checkpoint.
 */

import {
  type Backend,
  deviceConstant,
  deviceNormal,
  type EmbeddingOptions,
  LayerNorm,
  type LinearOptions,
  RandomGenerator,
  RMSNorm,
  zerosInit,
} from '@llmforge/tensor-gpu';
import type { ModelConfig } from './config.js';

/**
 * Float dtypes a model can hold its parameters in: f32 everywhere, f64 on the CPU backend (tests),
 * f16 where the backend has it (WebGPU with `shader-f16`; the CPU backend stores half bits and
 * computes in f32) — the compute copy of mixed-precision training, next to f32 master weights.
 */
export type ModelDType = 'f32' | 'f16' | 'f64';

/** The constructor options of each kind of layer in a model (see the file comment). */
export interface LayerOptions {
  /** A projection whose weight is N(0, initStd²); bias (per config) zero. */
  linear: LinearOptions;
  /** A residual projection (attn.o, mlp.down): weight N(0, (initStd / √(2·nLayer))²). */
  residual: LinearOptions;
  /** The token and learned position embeddings: N(0, initStd²). */
  embedding: EmbeddingOptions;
  /** Norms: gain 1, bias 0 (no draws). */
  norm: { backend: Backend; dtype: ModelDType };
  /** The stream dropout masks come from (separate from the init stream). */
  dropout: { generator: RandomGenerator };
}

/** What {@link layerOptions} needs besides the config. */
export interface LayerOptionsInput {
  backend: Backend;
  dtype: ModelDType;
  /** Seed of the init stream; the dropout stream is seeded from it too. */
  seed: number;
  /** Draw GPT-2's initialization (true) or allocate zeros to be overwritten (false). */
  init: boolean;
}

/**
 * The options a model of config `c` builds its layers with: GPT-2's initialization on one seeded
 * stream, and the dropout stream `{ seed: (seed + 0x5eed) mod 2³¹ }`.
 *
 * @example
 * ```ts
 * const o = layerOptions(config, { backend, dtype: 'f32', seed: 0, init: true });
 * const q = new Linear(C, nh * hs, { ...o.linear, bias: config.bias }); // N(0, 0.02²), bias 0
 * ```
 */
export function layerOptions(c: ModelConfig, input: LayerOptionsInput): LayerOptions {
  const { backend, dtype, seed, init } = input;
  const generator = new RandomGenerator(seed);
  const where = { generator, backend, dtype };
  const weight = init ? deviceNormal(0, c.initStd) : deviceConstant(0);
  const residual = init ? deviceNormal(0, c.initStd / Math.sqrt(2 * c.nLayer)) : deviceConstant(0);
  return {
    linear: { ...where, weightInit: weight, biasInit: zerosInit() },
    residual: { ...where, weightInit: residual, biasInit: zerosInit() },
    embedding: { ...where, weightInit: weight },
    norm: { backend, dtype },
    dropout: { generator: new RandomGenerator((seed + 0x5eed) % 2 ** 31) },
  };
}

/** The norm a config asks for: LayerNorm (with a bias when the config has biases) or RMSNorm. */
export type Norm = LayerNorm | RMSNorm;

/**
 * A new norm over the C channels of the residual stream, as the config asks.
 *
 * @example
 * ```ts
 * const ln1 = createNorm(config, o); // LayerNorm(C) for GPT-2, RMSNorm(C) for Llama
 * ```
 */
export function createNorm(c: ModelConfig, o: LayerOptions): Norm {
  return c.norm === 'rmsnorm'
    ? new RMSNorm(c.nEmbd, { ...o.norm, eps: c.normEps })
    : new LayerNorm(c.nEmbd, { ...o.norm, eps: c.normEps, bias: c.bias });
}
