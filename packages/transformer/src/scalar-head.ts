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
  defaultBackend,
  embedding,
  full,
  Module,
  noGrad,
  type PhiloxStream,
  randn,
  type Tensor,
  tensor,
  tidy,
} from '@llmforge/tensor-gpu';
import { ModelInputError } from './errors.js';
import type { ModelDType } from './model.js';

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
 * A linear map from the hidden width to one number per position.
 *
 * @example
 * ```ts
 * const head = new ScalarHead(model.config.nEmbd, { backend: model.backend });
 * const { hidden } = model.forward(ids, { returnHidden: true });
 * const values = head.forward(hidden!);           // (B, T) per-token values (PPO)
 * const rewards = head.scoreAt(hidden!, [6, 3]);  // (B) score at each row's last token
 * ```
 */
export class ScalarHead extends Module {
  /** (1, C) */
  readonly weight: Tensor;
  /** (1) */
  readonly bias: Tensor;
  readonly width: number;

  constructor(width: number, options: ScalarHeadOptions = {}) {
    super();
    const backend = options.backend ?? defaultBackend();
    const dtype = options.dtype ?? 'f32';
    const std = options.std ?? 0.02;
    const gen: PhiloxStream = { seed: options.seed ?? 0, offset: 0 };
    this.width = width;
    const w = noGrad(() =>
      std > 0 ? randn([1, width], gen, dtype, backend, 0, std) : full([1, width], 0, dtype, backend),
    );
    this.weight = this.registerParameter('weight', w);
    this.bias = this.registerParameter('bias', full([1], 0, dtype, backend));
  }

  /**
   * One score per position: hidden (B, T, C) → (B, T).
   *
   * @example
   * ```ts
   * head.forward(hidden).shape; // [B, T]
   * ```
   */
  forward(hidden: Tensor): Tensor {
    const [B, T, C] = this.check('forward', hidden);
    return tidy(() =>
      hidden
        .reshape([B * T, C])
        .matmul(this.weight, { transB: true })
        .add(this.bias)
        .reshape([B, T]),
    );
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
      return picked.matmul(this.weight, { transB: true }).add(this.bias).reshape([B]);
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
