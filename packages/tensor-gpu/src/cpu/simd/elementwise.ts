/**
 * WebAssembly SIMD wrappers of the elementwise ops (`unary`, `unaryGrad`, `binary`,
 * `binaryScalar`, `adamw`, `scaleInPlace`): f32 tensors that live in the arena go to the kernels of
 * `wasm/elementwise.wat`; anything else (f64, integer ops, `log`/`sin`/`cos`/`pow`, broadcasts that
 * are not "rows × columns") falls back to the TypeScript reference kernel.
 */

import type { BinaryKind, UnaryKind } from '../../backend/ops.js';
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from '../kernels/kernel.js';
import { broadcastStrides, planStrided } from '../kernels/strided.js';
import type { WasmRuntime } from '../wasm/runtime.js';

/** Unary kinds the wasm kernel implements, by their code in `elementwise.wat`. */
export const UNARY_CODES: Partial<Record<UnaryKind, number>> = {
  neg: 0,
  abs: 1,
  exp: 2,
  sqrt: 3,
  rsqrt: 4,
  square: 5,
  reciprocal: 6,
  tanh: 7,
  sigmoid: 8,
  relu: 9,
  gelu_erf: 10,
  gelu_tanh: 11,
  silu: 12,
};

/** Estimated nanoseconds per element on one thread (sets how many threads a call gets). */
export const UNARY_COST: Partial<Record<UnaryKind, number>> = {
  gelu_erf: 2,
  gelu_tanh: 2,
  tanh: 2,
  exp: 1.5,
  sigmoid: 2,
  silu: 2,
};

/** Binary kinds the wasm kernel implements (`pow` stays in TypeScript). */
export const BINARY_CODES: Partial<Record<BinaryKind, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  eq: 6,
  ne: 7,
  lt: 8,
  le: 9,
  gt: 10,
  ge: 11,
};

const f32 = (...xs: { storage: unknown; dtype: string }[]) =>
  xs.every((x) => x.dtype === 'f32' && x.storage instanceof Float32Array);

export function simdUnary(rt: WasmRuntime, ref: CpuKernel<'unary'>): CpuKernel<'unary'> {
  return (args) => {
    const { x } = args.inputs;
    const { y } = args.outputs;
    const code = UNARY_CODES[args.attrs.op];
    if (code === undefined || !f32(x, y) || !rt.owns(x.storage, y.storage)) return ref(args);
    const n = x.storage.length;
    rt.run('unary', [code, rt.ptr(x.storage), rt.ptr(y.storage), n], n * (UNARY_COST[args.attrs.op] ?? 0.3));
  };
}

export function simdUnaryGrad(rt: WasmRuntime, ref: CpuKernel<'unaryGrad'>): CpuKernel<'unaryGrad'> {
  return (args) => {
    const { x, dy } = args.inputs;
    const { dx } = args.outputs;
    const code = UNARY_CODES[args.attrs.op];
    if (code === undefined || !f32(x, dy, dx) || !rt.owns(x.storage, dy.storage, dx.storage))
      return ref(args);
    const n = x.storage.length;
    rt.run(
      'unary_grad',
      [code, rt.ptr(x.storage), rt.ptr(dy.storage), rt.ptr(dx.storage), n],
      n * ((UNARY_COST[args.attrs.op] ?? 0.3) + 0.5),
    );
  };
}

export function simdBinary(rt: WasmRuntime, ref: CpuKernel<'binary'>): CpuKernel<'binary'> {
  return (args) => {
    const { a, b } = args.inputs;
    const { y } = args.outputs;
    const code = BINARY_CODES[args.attrs.op];
    if (code === undefined || !f32(a, b, y) || !rt.owns(a.storage, b.storage, y.storage)) return ref(args);
    const plan = planStrided(y.shape, [
      stridesOf(y.shape),
      broadcastStrides(a.shape, y.shape),
      broadcastStrides(b.shape, y.shape),
    ]);
    const [, acs, bcs] = plan.innerStrides as [number, number, number];
    if (plan.outer.length > 1 || acs > 1 || bcs > 1) return ref(args);
    const rows = plan.outer[0] ?? 1;
    const ars = plan.outerStrides[1]?.[0] ?? 0;
    const brs = plan.outerStrides[2]?.[0] ?? 0;
    const n = rows * plan.inner;
    rt.run(
      'binary',
      [code, rt.ptr(a.storage), ars, acs, rt.ptr(b.storage), brs, bcs, rt.ptr(y.storage), rows, plan.inner],
      n * 0.3,
    );
  };
}

export function simdBinaryScalar(rt: WasmRuntime, ref: CpuKernel<'binaryScalar'>): CpuKernel<'binaryScalar'> {
  return (args) => {
    const { a } = args.inputs;
    const { y } = args.outputs;
    const { op, scalar, reverse } = args.attrs;
    const code = BINARY_CODES[op];
    if (code === undefined || !f32(a, y) || !rt.owns(a.storage, y.storage)) return ref(args);
    const n = a.storage.length;
    const s = rt.consts([scalar]);
    const pa = rt.ptr(a.storage);
    const operands = reverse ? [s, 0, 0, pa, 0, 1] : [pa, 0, 1, s, 0, 0];
    rt.run('binary', [code, ...operands, rt.ptr(y.storage), 1, n], n * 0.3);
  };
}

export function simdAdamw(rt: WasmRuntime, ref: CpuKernel<'adamw'>): CpuKernel<'adamw'> {
  return (args) => {
    const { grad } = args.inputs;
    const { param, m, v } = args.inouts;
    if (!f32(grad, param, m, v) || !rt.owns(grad.storage, param.storage, m.storage, v.storage))
      return ref(args);
    const { lr, beta1, beta2, eps, weightDecay, step } = args.attrs;
    const consts = rt.consts([
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      1 - lr * weightDecay,
      lr / (1 - beta1 ** step),
      1 / Math.sqrt(1 - beta2 ** step),
      eps,
    ]);
    const n = param.storage.length;
    rt.run(
      'adamw',
      [rt.ptr(param.storage), rt.ptr(m.storage), rt.ptr(v.storage), rt.ptr(grad.storage), n, consts],
      n,
    );
  };
}

/**
 * `scaleInPlace` on the `binary` kernel: each tensor is multiplied by the scale (a scalar operand,
 * read where it lies in the arena) and written over itself, one split run per tensor.
 */
export function simdScaleInPlace(rt: WasmRuntime, ref: CpuKernel<'scaleInPlace'>): CpuKernel<'scaleInPlace'> {
  return (args) => {
    const { scale } = args.inputs;
    const { xs } = args.inouts;
    if (!f32(scale, ...xs) || !rt.owns(scale.storage, ...xs.map((x) => x.storage))) return ref(args);
    const ps = rt.ptr(scale.storage);
    for (const x of xs) {
      const n = x.storage.length;
      if (n === 0) continue;
      const px = rt.ptr(x.storage);
      rt.run('binary', [BINARY_CODES.mul!, px, 0, 1, ps, 0, 0, px, 1, n], n * 0.3);
    }
  };
}
