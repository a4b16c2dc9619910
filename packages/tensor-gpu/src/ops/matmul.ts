/**
 * matmul: y = op(a) @ op(b) with batch broadcasting; backward (for y = a @ b, dims (M,K)@(K,N)):
 * da = dy @ bᵀ, db = aᵀ @ dy, each summed over broadcast batch dims. With transposes the same rule
 * reads off the product: y = aᵀb → da = b dyᵀ, db = a dy; y = abᵀ → da = dy b, db = dyᵀ a;
 * y = aᵀbᵀ → da = bᵀ dyᵀ, db = dyᵀ aᵀ. Vectors are lifted to matrices like numpy: (K) @ (K,N) → (N).
 */
import { requireBoolean, requireOptions } from '../arguments.js';
import { record } from '../autograd/node.js';
import type { Tensor } from '../tensor.js';
import { commonBackend, runOp } from './run.js';
import { sumTo } from './sum-to.js';
import type { MatmulOptions } from './types.js';

function mm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return runOp('matmul', a.backend, { a, b }, {}, { transA, transB }).y;
}

function reduceTo(g: Tensor, shape: readonly number[]): Tensor {
  const r = sumTo(g, shape);
  if (r !== g) g.dispose();
  return r;
}

/**
 * op(p)·op(q) as a gradient: added into `into` in place (`matmulAccumulate`, the GEMM adds into C)
 * when the tape offers an accumulated gradient and no batch dims need summing, else a new product
 * summed down to `shape`.
 */
function gradProduct(
  p: Tensor,
  q: Tensor,
  transP: boolean,
  transQ: boolean,
  shape: readonly number[],
  into: Tensor | undefined,
): Tensor {
  if (into && p.rank === 2 && q.rank === 2) {
    runOp('matmulAccumulate', p.backend, { a: p, b: q }, { c: into }, { transA: transP, transB: transQ });
    return into;
  }
  return reduceTo(mm(p, q, transP, transQ), shape);
}

function matmul2(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const y = mm(a, b, transA, transB);
  const aShape = a.shape;
  const bShape = b.shape;
  const needA = a.requiresGrad;
  const needB = b.requiresGrad;
  record('matmul', [a, b], y, [a, b], (dy, [sa, sb], into) => {
    const ga = (p: Tensor, q: Tensor, tp: boolean, tq: boolean) =>
      needA ? gradProduct(p, q, tp, tq, aShape, into[0]) : null;
    const gb = (p: Tensor, q: Tensor, tp: boolean, tq: boolean) =>
      needB ? gradProduct(p, q, tp, tq, bShape, into[1]) : null;
    if (!transA && !transB) return [ga(dy, sb!, false, true), gb(sa!, dy, true, false)];
    if (transA && !transB) return [ga(sb!, dy, false, true), gb(sa!, dy, false, false)];
    if (!transA && transB) return [ga(dy, sb!, false, false), gb(dy, sa!, true, false)];
    return [ga(sb!, dy, true, true), gb(dy, sa!, true, true)];
  });
  return y;
}

/**
 * Matrix product with numpy semantics for vectors and broadcast batch dims.
 *
 * @example
 * ```ts
 * matmul(ones([4, 2, 3]), ones([3, 5])).shape; // [4, 2, 5]
 * matmul(x, w, { transB: true }); // x @ wᵀ
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  commonBackend('matmul', [a, b]);
  const o = requireOptions('matmul', options);
  const transA = requireBoolean('matmul', 'transA', o.transA, false);
  const transB = requireBoolean('matmul', 'transB', o.transB, false);
  // (…, M, K) @ (K, N): fold the batch dims into M, so the forward is one GEMM and the weight
  // gradient aᵀ·dy is one GEMM too (instead of a batch of products summed afterwards).
  if (a.rank > 2 && b.rank === 2 && !transA) {
    const K = a.shape[a.rank - 1]!;
    const a2 = a.reshape([-1, K]);
    const y2 = matmul2(a2, b, false, transB);
    a2.dispose();
    const y = y2.reshape([...a.shape.slice(0, -1), y2.shape[1]!]);
    y2.dispose();
    return y;
  }
  const aVec = a.rank === 1;
  const bVec = b.rank === 1;
  const a2 = aVec ? a.reshape([1, a.shape[0]!]) : a;
  const b2 = bVec ? b.reshape([b.shape[0]!, 1]) : b;
  const y = matmul2(a2, b2, aVec ? false : transA, bVec ? false : transB);
  if (a2 !== a) a2.dispose();
  if (b2 !== b) b2.dispose();
  if (!aVec && !bVec) return y;
  const shape = [...y.shape];
  if (bVec) shape.splice(shape.length - 1, 1);
  if (aVec) shape.splice(shape.length - (bVec ? 1 : 2), 1);
  const out = y.reshape(shape);
  y.dispose();
  return out;
}
