import type { Tensor } from '../tensor.js';
import type { OptimizerState } from './optimizer-state.js';

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
