/**
 * WebAssembly wrappers of the fused ops (`contract/fused.ts`): `linear` on the GEMM with its
 * epilogue (bias and activation applied to each block of the product while it is in L1, `gemm.wat`),
 * `biasActivationBackward` in one pass (`elementwise.wat`), `addLayerNorm` / `addRmsNorm` (the
 * residual add and the norm per row, `rows.wat`) and `accumulate` (the binary add kernel, in place).
 * Anything else (f64, tensors outside the arena, an activation without a WebAssembly kernel) takes
 * the reference kernel.
 */
import type { LinearActivation } from '../../backend/ops.js';
import type { CpuKernel } from '../kernels/kernel.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import { BINARY_CODES, UNARY_CODES, UNARY_COST } from './elementwise.js';
import { NS_PER_MAC, runGemm } from './matmul.js';

type Dev = { storage: unknown; dtype: string; shape: readonly number[] };

const f32 = (...xs: Dev[]) => xs.every((x) => x.dtype === 'f32' && x.storage instanceof Float32Array);
const owned = (rt: WasmRuntime, ...xs: Dev[]) =>
  f32(...xs) && rt.owns(...xs.map((x) => x.storage as Float32Array));

/** The WebAssembly code of an activation: −1 for none, undefined when it has no kernel. */
function actCode(activation: LinearActivation): number | undefined {
  return activation === 'none' ? -1 : UNARY_CODES[activation];
}

export function simdLinear(rt: WasmRuntime, ref: CpuKernel<'linear'>): CpuKernel<'linear'> {
  const perThread = rt.query('gemm_scratch_bytes');
  return (args) => {
    const { x, weight, bias } = args.inputs;
    const { y, pre } = args.outputs;
    const act = actCode(args.attrs.activation);
    const tensors = bias ? [x, weight, bias, y, pre] : [x, weight, y, pre];
    if (act === undefined || !owned(rt, ...tensors)) return ref(args);
    const [F, K] = weight.shape as [number, number];
    const rows = F === 0 ? 0 : y.storage.length / F;
    if (rows === 0 || K === 0) return ref(args);
    const p = (t: Dev) => rt.ptr(t.storage as Float32Array);
    const c = act < 0 ? y : pre; // the product lands in pre when an activation follows
    const epi = bias || act >= 0 ? rt.ints([bias ? p(bias) : 0, act, act >= 0 ? p(y) - p(c) : 0]) : 0;
    const work = rows * F * K * NS_PER_MAC;
    // x (rows, K) · Wᵀ: W (F, K) read as B (K, F) with strides (1, K)
    const strided = [rows, F, K, p(x), K, 1, p(weight), 1, K, p(c), F, 0];
    if (rows < 4) {
      rt.run('gemv', strided, work * 2);
      if (epi) rt.run('bias_act', [p(c), F, rows, F, epi], rows * F);
      return;
    }
    runGemm(rt, strided, rt.scratch(perThread * rt.threads), epi);
  };
}

export function simdBiasActivationBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'biasActivationBackward'>,
): CpuKernel<'biasActivationBackward'> {
  return (args) => {
    const { pre, dy } = args.inputs;
    const { dpre, dbias } = args.outputs;
    const act = actCode(args.attrs.activation);
    if (act === undefined || !owned(rt, pre, dy, dpre, dbias)) return ref(args);
    const F = pre.shape[pre.shape.length - 1]!;
    const rows = F === 0 ? 0 : pre.storage.length / F;
    if (rows === 0) return ref(args);
    const p = (t: Dev) => rt.ptr(t.storage as Float32Array);
    const n = rows * F;
    // dpre = dy·act'(pre) as `unaryGrad` (contiguous pieces), then dbias = its column sums in
    // float64 (F·8 bytes of scratch per thread); without an activation the sums copy dy to dpre
    if (act >= 0) {
      rt.run(
        'unary_grad',
        [act, p(pre), p(dy), p(dpre), n],
        n * ((UNARY_COST[args.attrs.activation as keyof typeof UNARY_COST] ?? 0.3) + 0.5),
      );
    }
    const grad = act >= 0 ? p(dpre) : p(dy);
    rt.run('column_sums', [grad, p(dpre), p(dbias), rows, F, rt.scratch(F * 8 * rt.threads)], n * 0.5);
  };
}

export function simdAddLayerNorm(rt: WasmRuntime, ref: CpuKernel<'addLayerNorm'>): CpuKernel<'addLayerNorm'> {
  return (args) => {
    const { x, residual, weight, bias } = args.inputs;
    const { sum, y, mean, rstd } = args.outputs;
    if (!owned(rt, x, residual, weight, bias, sum, y, mean, rstd)) return ref(args);
    const C = x.shape[x.shape.length - 1]!;
    const rows = C === 0 ? 0 : x.storage.length / C;
    if (rows === 0) return ref(args);
    const p = (t: Dev) => rt.ptr(t.storage as Float32Array);
    rt.run(
      'add_layer_norm',
      [
        p(x),
        p(residual),
        p(sum),
        p(weight),
        p(bias),
        p(y),
        p(mean),
        p(rstd),
        rows,
        C,
        rt.consts([args.attrs.eps]),
      ],
      rows * C * 1.3,
    );
  };
}

export function simdAddRmsNorm(rt: WasmRuntime, ref: CpuKernel<'addRmsNorm'>): CpuKernel<'addRmsNorm'> {
  return (args) => {
    const { x, residual, weight } = args.inputs;
    const { sum, y, rstd } = args.outputs;
    if (!owned(rt, x, residual, weight, sum, y, rstd)) return ref(args);
    const C = x.shape[x.shape.length - 1]!;
    const rows = C === 0 ? 0 : x.storage.length / C;
    if (rows === 0) return ref(args);
    const p = (t: Dev) => rt.ptr(t.storage as Float32Array);
    rt.run(
      'add_rms_norm',
      [p(x), p(residual), p(sum), p(weight), p(y), p(rstd), rows, C, rt.consts([args.attrs.eps])],
      rows * C * 1.3,
    );
  };
}

export function simdAccumulate(rt: WasmRuntime, ref: CpuKernel<'accumulate'>): CpuKernel<'accumulate'> {
  return (args) => {
    const { x } = args.inputs;
    const { acc } = args.inouts;
    if (!owned(rt, x, acc)) return ref(args);
    const n = acc.storage.length;
    const pa = rt.ptr(acc.storage as Float32Array);
    // the binary kernel with y = a: acc (as a) + x (as b) written back over acc, one row of n
    rt.run(
      'binary',
      [BINARY_CODES.add!, pa, 0, 1, rt.ptr(x.storage as Float32Array), 0, 1, pa, 1, n],
      n * 0.3,
    );
  };
}
