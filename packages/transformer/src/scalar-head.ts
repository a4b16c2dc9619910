/**
 * A scalar head on the final hidden states: the reward model's score and PPO's value head.
 *
 *   hidden (B, T, C) ─► h · wᵀ + b ─► scores (B, T)
 *
 * A reward model reads the score of each sequence's last real token (`scoreAt`); a value head
 * reads every position (`forward`). The model gives the hidden states with
 * `model.forward(ids, { returnHidden: true }).hidden`.
 */

import {
  type Backend,
  deviceConstant,
  deviceNormal,
  embedding,
  Linear,
  RandomGenerator,
  type Tensor,
  tensor,
  tidy,
} from '@llmforge/tensor-gpu';
import { ModelInputError } from './errors.js';
import type { ModelDType } from './layer-options.js';

/** Options of {@link ScalarHead}. */
export interface ScalarHeadOptions {
  backend?: Backend;
  dtype?: ModelDType;
  /** Seed of the weight init. Default 0. */
  seed?: number;
  /** Std of the normal weight init (HF's score head: initializer_range 0.02). Default 0.02; 0 gives zeros. */
  std?: number;
}

/**
 * A linear map from the hidden width to one number per position: a tensor-gpu `Linear(width, 1)`
 * with weight (1, C) ~ N(0, std²) drawn on the device from its own seeded stream, and bias (1) = 0.
 *
 * @example
 * ```ts
 * const head = new ScalarHead(model.config.nEmbd, { backend: model.backend });
 * const { hidden } = model.forward(ids, { returnHidden: true });
 * const values = head.forward(hidden!);           // (B, T) per-token values (PPO)
 * const rewards = head.scoreAt(hidden!, [6, 3]);  // (B) score at each row's last token
 * ```
 */
export class ScalarHead extends Linear {
  /** (1) */
  declare readonly bias: Tensor;

  constructor(width: number, options: ScalarHeadOptions = {}) {
    const std = options.std ?? 0.02;
    super(width, 1, {
      generator: new RandomGenerator(options.seed ?? 0),
      ...(options.backend ? { backend: options.backend } : {}),
      dtype: options.dtype ?? 'f32',
      weightInit: std > 0 ? deviceNormal(0, std) : deviceConstant(0),
      biasInit: deviceConstant(0),
    });
  }

  /** The hidden width C. */
  get width(): number {
    return this.inFeatures;
  }

  /**
   * One score per position: hidden (B, T, C) → (B, T).
   *
   * @example
   * ```ts
   * head.forward(hidden).shape; // [B, T]
   * ```
   */
  override forward(hidden: Tensor): Tensor {
    const [B, T] = this.check('forward', hidden);
    return tidy(() => super.forward(hidden).reshape([B, T])); // (B, T, 1) → (B, T)
  }

  /**
   * The score at one position per row (e.g. each sequence's last non-padding token): (B).
   *
   * @example
   * ```ts
   * head.scoreAt(hidden, [T - 1, T - 1]); // last position of both rows
   * ```
   */
  scoreAt(hidden: Tensor, positions: readonly number[]): Tensor {
    const [B, T, C] = this.check('scoreAt', hidden);
    if (positions.length !== B || positions.some((p) => !Number.isInteger(p) || p < 0 || p >= T)) {
      throw new ModelInputError({
        operation: 'ScalarHead.scoreAt',
        where: 'positions',
        expected: `${B} integer positions in [0, ${T})`,
        found: `[${positions.join(', ')}]`,
        hint: 'one position per row, usually the index of its last real token',
      });
    }
    return tidy(() => {
      const rows = tensor(
        Int32Array.from(positions, (p, b) => b * T + p),
        [B],
        'i32',
        hidden.backend,
      );
      const picked = embedding(hidden.reshape([B * T, C]), rows); // (B, C): rows b·T + pos[b]
      return super.forward(picked).reshape([B]); // (B, 1) → (B)
    });
  }

  private check(op: string, hidden: Tensor): [number, number, number] {
    if (hidden.rank !== 3 || hidden.shape[2] !== this.width) {
      throw new ModelInputError({
        operation: `ScalarHead.${op}`,
        where: 'hidden',
        expected: `hidden states (B, T, ${this.width})`,
        found: `(${hidden.shape.join(', ')})`,
        hint: 'use model.forward(ids, { returnHidden: true }).hidden',
      });
    }
    return hidden.shape as [number, number, number];
  }
}
