/**
 * WebAssembly SIMD wrappers of the row kernels (`wasm/rows.wat`): layer norm, RMS norm, softmax and
 * log-softmax, cross entropy, with their backward passes. Threads split the rows; the norms'
 * weight gradients run as a second kernel with threads over columns (each column summed over all
 * rows in order, whatever the thread count).
 */
import { checkTarget } from '../kernels/cross-entropy.js';
import type { CpuKernel } from '../kernels/kernel.js';
import type { WasmRuntime } from '../wasm/runtime.js';

const f32 = (...xs: { storage: unknown; dtype: string }[]) =>
  xs.every((x) => x.dtype === 'f32' && x.storage instanceof Float32Array);

export function simdLayerNorm(rt: WasmRuntime, ref: CpuKernel<'layerNorm'>): CpuKernel<'layerNorm'> {
  return (args) => {
    const { x, weight, bias } = args.inputs;
    const { y, mean, rstd } = args.outputs;
    const all = [x, weight, bias, y, mean, rstd];
    if (!f32(...all) || !rt.owns(...all.map((t) => t.storage))) return ref(args);
    const C = x.shape[x.shape.length - 1]!;
    const rows = C === 0 ? 0 : x.storage.length / C;
    if (rows === 0) return ref(args);
    const p = (t: { storage: Float32Array | unknown }) => rt.ptr(t.storage as Float32Array);
    rt.run(
      'layer_norm',
      [p(x), p(weight), p(bias), p(y), p(mean), p(rstd), rows, C, rt.consts([args.attrs.eps])],
      rows * C,
    );
  };
}

export function simdLayerNormBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'layerNormBackward'>,
): CpuKernel<'layerNormBackward'> {
  return (args) => {
    const { x, weight, mean, rstd, dy } = args.inputs;
    const { dx, dweight, dbias } = args.outputs;
    const all = [x, weight, mean, rstd, dy, dx, dweight, dbias];
    if (!f32(...all) || !rt.owns(...all.map((t) => t.storage))) return ref(args);
    const C = x.shape[x.shape.length - 1]!;
    const rows = C === 0 ? 0 : x.storage.length / C;
    if (rows === 0) return ref(args);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    // dx (threads over rows) and dweight/dbias (threads over columns) read the same inputs: one job
    rt.runAll([
      {
        name: 'layer_norm_backward',
        args: [p(x), p(weight), p(mean), p(rstd), p(dy), p(dx), rows, C],
        work: rows * C * 2,
      },
      {
        name: 'layer_norm_dweight',
        args: [p(x), p(mean), p(rstd), p(dy), p(dweight), p(dbias), rows, C],
        work: rows * C * 1.5,
      },
    ]);
  };
}

const rowsOf = (shape: readonly number[]) => {
  const cols = shape[shape.length - 1] ?? 1;
  return { cols, rows: cols === 0 ? 0 : shape.reduce((a, b) => a * b, 1) / cols };
};

function softmaxLike<K extends 'softmax' | 'logSoftmax'>(
  rt: WasmRuntime,
  ref: CpuKernel<K>,
  log: number,
): CpuKernel<K> {
  return (args) => {
    const { x } = args.inputs;
    const { y } = args.outputs;
    if (!f32(x, y) || !rt.owns(x.storage, y.storage)) return ref(args);
    const { rows, cols } = rowsOf(x.shape);
    if (rows === 0 || cols === 0) return ref(args);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    rt.run('softmax', [p(x), p(y), rows, cols, log], rows * cols * 3);
  };
}

export const simdSoftmax = (rt: WasmRuntime, ref: CpuKernel<'softmax'>) => softmaxLike<'softmax'>(rt, ref, 0);
export const simdLogSoftmax = (rt: WasmRuntime, ref: CpuKernel<'logSoftmax'>) =>
  softmaxLike<'logSoftmax'>(rt, ref, 1);

export function simdSoftmaxBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'softmaxBackward'>,
): CpuKernel<'softmaxBackward'> {
  return (args) => {
    const { y, dy } = args.inputs;
    const { dx } = args.outputs;
    if (!f32(y, dy, dx) || !rt.owns(y.storage, dy.storage, dx.storage)) return ref(args);
    const { rows, cols } = rowsOf(y.shape);
    if (rows === 0 || cols === 0) return ref(args);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    rt.run('softmax_backward', [p(y), p(dy), p(dx), rows, cols, args.attrs.log ? 1 : 0], rows * cols * 2);
  };
}

/** Checks every target (a typed error naming the row) before the kernel trusts them. */
function checkTargets(op: string, targets: Int32Array, V: number, ignoreIndex: number): void {
  const spec = { N: targets.length, V, ignoreIndex };
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    if (t !== ignoreIndex && (t < 0 || t >= V)) checkTarget(op, t, i, spec);
  }
}

export function simdCrossEntropy(rt: WasmRuntime, ref: CpuKernel<'crossEntropy'>): CpuKernel<'crossEntropy'> {
  return (args) => {
    const { logits, targets, weights } = args.inputs;
    const { loss, lse } = args.outputs;
    const floats = weights ? [logits, weights, loss, lse] : [logits, loss, lse];
    if (!f32(...floats) || !rt.owns(...floats.map((t) => t.storage), targets.storage)) return ref(args);
    const [N, V] = logits.shape as [number, number];
    if (N === 0 || V === 0) return ref(args);
    checkTargets('crossEntropy', targets.storage as Int32Array, V, args.attrs.ignoreIndex);
    const p = (t: { storage: unknown } | undefined) => (t ? rt.ptr(t.storage as Float32Array) : 0);
    rt.run(
      'cross_entropy',
      [p(logits), p(targets), p(weights), p(loss), p(lse), N, V, args.attrs.ignoreIndex],
      N * V * 2,
    );
  };
}

export function simdCrossEntropyBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'crossEntropyBackward'>,
): CpuKernel<'crossEntropyBackward'> {
  return (args) => {
    const { logits, targets, weights, lse, dloss } = args.inputs;
    const { dlogits } = args.outputs;
    const floats = weights ? [logits, weights, lse, dloss, dlogits] : [logits, lse, dloss, dlogits];
    if (!f32(...floats) || !rt.owns(...floats.map((t) => t.storage), targets.storage)) return ref(args);
    const [N, V] = logits.shape as [number, number];
    if (N === 0 || V === 0) return ref(args);
    checkTargets('crossEntropyBackward', targets.storage as Int32Array, V, args.attrs.ignoreIndex);
    const p = (t: { storage: unknown } | undefined) => (t ? rt.ptr(t.storage as Float32Array) : 0);
    rt.run(
      'cross_entropy_backward',
      [p(logits), p(targets), p(weights), p(lse), p(dloss), p(dlogits), N, V, args.attrs.ignoreIndex],
      N * V * 2,
    );
  };
}

export function simdRmsNorm(rt: WasmRuntime, ref: CpuKernel<'rmsNorm'>): CpuKernel<'rmsNorm'> {
  return (args) => {
    const { x, weight } = args.inputs;
    const { y, rstd } = args.outputs;
    const all = [x, weight, y, rstd];
    if (!f32(...all) || !rt.owns(...all.map((t) => t.storage))) return ref(args);
    const { rows, cols: C } = rowsOf(x.shape);
    if (rows === 0 || C === 0) return ref(args);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    rt.run('rms_norm', [p(x), p(weight), p(y), p(rstd), rows, C, rt.consts([args.attrs.eps])], rows * C);
  };
}

export function simdRmsNormBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'rmsNormBackward'>,
): CpuKernel<'rmsNormBackward'> {
  return (args) => {
    const { x, weight, rstd, dy } = args.inputs;
    const { dx, dweight } = args.outputs;
    const all = [x, weight, rstd, dy, dx, dweight];
    if (!f32(...all) || !rt.owns(...all.map((t) => t.storage))) return ref(args);
    const { rows, cols: C } = rowsOf(x.shape);
    if (rows === 0 || C === 0) return ref(args);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    rt.runAll([
      {
        name: 'rms_norm_backward',
        args: [p(x), p(weight), p(rstd), p(dy), p(dx), rows, C],
        work: rows * C * 1.5,
      },
      { name: 'rms_norm_dweight', args: [p(x), p(rstd), p(dy), p(dweight), rows, C], work: rows * C },
    ]);
  };
}
