/**
 * y = a ∘ s (or s ∘ a with `reverse`) for a number s, and its backward:
 * add/sub: ±dy; mul: dy·s; div: dy/s (reverse s/a: −dy·y/a); pow a^s: dy·s·a^(s−1)
 * (reverse s^a: dy·y·ln s); maximum/minimum: dy where a wins, ½dy on ties.
 */

import { record } from '../autograd/node.js';
import { type BinaryKind, isCompareKind } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { requireTensor, runOp } from './run.js';

function scal(op: BinaryKind, a: Tensor, scalar: number, reverse = false): Tensor {
  return runOp('binaryScalar', a.backend, { a }, {}, { op, scalar, reverse }).y;
}

function bin(op: BinaryKind, a: Tensor, b: Tensor): Tensor {
  return runOp('binary', a.backend, { a, b }, {}, { op }).y;
}

/**
 * y = a ∘ scalar, or scalar ∘ a when `reverse`.
 *
 * @example
 * ```ts
 * binaryScalar(tensor([1, 2]), 'sub', 1, true).dataSync(); // 1 − x = [0, -1]
 * ```
 */
export function binaryScalar(a: Tensor, op: BinaryKind, scalar: number, reverse = false): Tensor {
  requireTensor(String(op), 'a', a);
  const y = scal(op, a, scalar, reverse);
  if (isCompareKind(op)) return y;
  const save = op === 'add' || op === 'sub' ? [] : [a, y];
  record(op, [a], y, save, (dy, saved) => {
    const [sa, sy] = saved;
    switch (op) {
      case 'add':
        return [dy];
      case 'sub':
        return [reverse ? scal('mul', dy, -1) : dy];
      case 'mul':
        return [scal('mul', dy, scalar)];
      case 'div': {
        if (!reverse) return [scal('div', dy, scalar)];
        const t = bin('mul', dy, sy!);
        const u = bin('div', t, sa!);
        t.dispose();
        const r = scal('mul', u, -1);
        u.dispose();
        return [r];
      }
      case 'pow': {
        if (reverse) {
          const t = bin('mul', dy, sy!);
          const r = scal('mul', t, Math.log(scalar));
          t.dispose();
          return [r];
        }
        const p = scal('pow', sa!, scalar - 1);
        const q = scal('mul', p, scalar);
        p.dispose();
        const r = bin('mul', dy, q);
        q.dispose();
        return [r];
      }
      default: {
        // maximum / minimum against a constant
        const wins = scal(op === 'maximum' ? 'gt' : 'lt', sa!, scalar);
        const ties = scal('eq', sa!, scalar);
        const half = scal('mul', ties, 0.5);
        const w = bin('add', wins, half);
        const r = bin('mul', dy, w);
        for (const t of [wins, ties, half, w]) t.dispose();
        return [r];
      }
    }
  });
  return y;
}
