/**
 * Dropout with a counter-based mask: element i is dropped when philoxUniform(seed, offset, i) < p,
 * kept ones are scaled by 1/(1−p). The backward regenerates the same mask from (seed, offset) instead
 * of storing it: dx = dropout(dy) with the same attributes. The generator's offset advances by
 * ⌈n/4⌉, so the next call draws fresh bits.
 */
import { requireGenerator, requireNumber } from '../arguments.js';
import { record } from '../autograd/node.js';
import { type PhiloxStream, uniformCounters } from '../random/philox.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

/**
 * Zeroes each element with probability p (training only: call it only when training).
 *
 * @example
 * ```ts
 * const gen = new RandomGenerator(0);
 * dropout(x, 0.1, gen); // same mask on CPU and WebGPU for the same generator state
 * ```
 */
export function dropout(x: Tensor, p: number, gen: PhiloxStream): Tensor {
  requireTensor('dropout', 'x', x);
  requireNumber('dropout', 'p', p, {
    min: 0,
    max: 1,
    maxExclusive: true,
    hint: 'p is the probability of zeroing an element; 0 turns dropout off',
  });
  if (p === 0) return x.reshape(x.shape);
  requireGenerator('dropout', gen);
  const seed = gen.seed;
  const offset = gen.offset;
  const attrs = { p, seed, offset };
  const { y } = runOp('dropout', x.backend, { x }, {}, attrs);
  gen.offset = offset + uniformCounters(x.size);
  record('dropout', [x], y, [], (dy) => [runOp('dropout', dy.backend, { x: dy }, {}, attrs).y]);
  return y;
}
