/**
 * Which items step k trains on: the items in a new seeded order each epoch, `perStep` at a time,
 * epochs concatenated. Step k's items are a function of the seed and k alone, so a resumed run
 * sees exactly the batches an uninterrupted one would.
 *
 * ```
 * items [a b c d e], perStep 2    epoch 0 order [d a e b c] → steps 0: [d a]  1: [e b]  2: [c]
 *                                 epoch 1 order [b c a e d] → steps 3: [b c]  4: [a e]  5: [d]
 * ```
 */
import { TaskRandom } from '../tasks/random.js';

/**
 * Seeded epochs of items, cut into steps.
 *
 * @example
 * ```ts
 * const order = new EpochOrder(pairs, 16, seed, 'reward');
 * const batch = order.at(step);
 * ```
 */
export class EpochOrder<T> {
  /** Steps in one pass over the items. */
  readonly stepsPerEpoch: number;
  private epoch = -1;
  private shuffled: T[] = [];

  constructor(
    readonly items: readonly T[],
    readonly perStep: number,
    readonly seed: number,
    readonly name: string,
  ) {
    this.stepsPerEpoch = Math.ceil(items.length / perStep);
  }

  /** The items of step `step` (0-based). */
  at(step: number): T[] {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (epoch !== this.epoch) {
      this.shuffled = new TaskRandom(this.seed, `${this.name}-epoch-${epoch}`).shuffle(this.items);
      this.epoch = epoch;
    }
    const start = (step % this.stepsPerEpoch) * this.perStep;
    return this.shuffled.slice(start, start + this.perStep);
  }
}
