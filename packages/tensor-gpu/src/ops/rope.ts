/**
 * Rotary position embedding, rotate-half layout (HF Llama): each pair (x_i, x_{i+D/2}) of a head is
 * rotated by angle p·θ_i, p = offset + t, θ_i = theta^(−2i/D). The backward is the inverse rotation
 * (a rotation's transpose is its inverse).
 */
import { requireOptions } from '../arguments.js';
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

/** Options of rope. */
export interface RopeOptions {
  /** Base of the frequencies (default 10000). */
  theta?: number;
  /** Position of the first time step (the KV-cache length when decoding; default 0). */
  offset?: number;
}

/**
 * Applies rotary embeddings to x (B,H,T,D).
 *
 * @example
 * ```ts
 * const qr = rope(q, { theta: 10000, offset: cacheLength });
 * ```
 */
export function rope(x: Tensor, options: RopeOptions = {}): Tensor {
  const o = requireOptions('rope', options);
  const theta = o.theta ?? 10000;
  const offset = o.offset ?? 0;
  const { y } = runOp(
    'rope',
    requireTensor('rope', 'x', x).backend,
    { x },
    {},
    { theta, offset, inverse: false },
  );
  record('rope', [x], y, [], (dy) => [
    runOp('rope', dy.backend, { x: dy }, {}, { theta, offset, inverse: true }).y,
  ]);
  return y;
}
