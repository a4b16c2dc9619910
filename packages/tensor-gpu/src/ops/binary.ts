/**
 * Elementwise two-input functions with numpy broadcasting, and their backward:
 *
 * | op      | ∂/∂a                 | ∂/∂b                  |
 * |---------|----------------------|-----------------------|
 * | add     | dy                   | dy                    |
 * | sub     | dy                   | −dy                   |
 * | mul     | dy·b                 | dy·a                  |
 * | div     | dy/b                 | −dy·y/b               |
 * | pow     | dy·b·a^(b−1)         | dy·y·ln a             |
 * | maximum | dy·[a>b] + ½dy·[a=b] | dy·[a<b] + ½dy·[a=b]  |
 *
 * (minimum mirrors maximum; ties split the gradient like torch.) Each gradient is then summed over
 * the broadcast axes (`sumTo`). Comparisons (eq, lt, ...) are not differentiable: their output never
 * requires grad.
 */

import { record } from '../autograd/node.js';
import { type BinaryKind, isCompareKind } from '../backend/ops.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';
import { sumTo } from './sum-to.js';

function bin(op: BinaryKind, a: Tensor, b: Tensor): Tensor {
  return runOp('binary', a.backend, { a, b }, {}, { op }).y;
}

function scal(op: BinaryKind, a: Tensor, scalar: number, reverse = false): Tensor {
  return runOp('binaryScalar', a.backend, { a }, {}, { op, scalar, reverse }).y;
}

/** Disposes `tmp` and returns `keep` (keeps backward code linear). */
function drop(keep: Tensor, ...tmp: Tensor[]): Tensor {
  for (const t of tmp) if (t !== keep) t.dispose();
  return keep;
}

/** Reduces `g` to `shape` and frees `g` if a new tensor was made (never the incoming `dy`). */
function reduceTo(g: Tensor, shape: readonly number[], dy: Tensor): Tensor {
  const r = sumTo(g, shape);
  if (r !== g && g !== dy) g.dispose();
  return r;
}

/**
 * y = a ∘ b with broadcasting.
 *
 * @example
 * ```ts
 * binary(tensor([[1], [2]]), tensor([10, 20, 30]), 'add').shape; // [2, 3]
 * ```
 */
export function binary(a: Tensor, b: Tensor, op: BinaryKind): Tensor {
  commonBackend(op, [a, b]);
  const y = bin(op, a, b);
  if (isCompareKind(op)) return y;
  const needA = a.requiresGrad;
  const needB = b.requiresGrad;
  const aShape = a.shape;
  const bShape = b.shape;
  const save = op === 'add' || op === 'sub' ? [] : op === 'div' || op === 'pow' ? [a, b, y] : [a, b];
  record(op, [a, b], y, save, (dy, saved) => {
    const [sa, sb, sy] = saved;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    switch (op) {
      case 'add':
        da = needA ? dy : null;
        db = needB ? dy : null;
        break;
      case 'sub':
        da = needA ? dy : null;
        db = needB ? scal('mul', dy, -1) : null;
        break;
      case 'mul':
        da = needA ? bin('mul', dy, sb!) : null;
        db = needB ? bin('mul', dy, sa!) : null;
        break;
      case 'div': {
        da = needA ? bin('div', dy, sb!) : null;
        if (needB) {
          const t = bin('mul', dy, sy!);
          const u = bin('div', t, sb!);
          db = drop(scal('mul', u, -1), t, u);
        }
        break;
      }
      case 'pow': {
        if (needA) {
          const e = scal('sub', sb!, 1);
          const p = bin('pow', sa!, e);
          const q = bin('mul', p, sb!);
          da = drop(bin('mul', dy, q), e, p, q);
        }
        if (needB) {
          const l = runOp('unary', sa!.backend, { x: sa! }, {}, { op: 'log' }).y;
          const t = bin('mul', dy, sy!);
          db = drop(bin('mul', t, l), l, t);
        }
        break;
      }
      case 'maximum':
      case 'minimum': {
        // weight of a: 1 where a wins, ½ on ties, 0 where b wins
        const wins = bin(op === 'maximum' ? 'gt' : 'lt', sa!, sb!);
        const ties = bin('eq', sa!, sb!);
        const half = scal('mul', ties, 0.5);
        const wa = bin('add', wins, half);
        if (needA) da = bin('mul', dy, wa);
        if (needB) {
          const wb = scal('sub', wa, 1, true);
          db = drop(bin('mul', dy, wb), wb);
        }
        drop(wa, wins, ties, half);
        wa.dispose();
        break;
      }
      default:
        break;
    }
    return [da ? reduceTo(da, aShape, dy) : null, db ? reduceTo(db, bShape, dy) : null];
  });
  return y;
}
