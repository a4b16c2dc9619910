/**
 * WebAssembly SIMD wrappers of the row kernels (`wasm/rows.wat`): layer norm, RMS norm, softmax and
 * log-softmax, cross entropy, with their backward passes. Threads split the rows; the norms'
 * weight gradients run as a second kernel with threads over columns (each column summed over all
 * rows in order, whatever the thread count).
 */
import { checkTarget } from '../kernels/cross-entropy.js';
import type { CpuKernel } from '../kernels/kernel.js';
import { ropeTables } from '../kernels/rope.js';
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

type Dev = { storage: unknown; dtype: string; shape: readonly number[] };

/**
 * dx (threads over rows; added into dx with `accum`) and dweight/dbias (threads over columns) of a
 * layer norm, as one job: they read the same inputs. False when the tensors do not qualify.
 */
function layerNormBackwardJob(
  rt: WasmRuntime,
  t: { x: Dev; weight: Dev; mean: Dev; rstd: Dev; dy: Dev; dx: Dev; dweight: Dev; dbias: Dev },
  accum: number,
): boolean {
  const all = [t.x, t.weight, t.mean, t.rstd, t.dy, t.dx, t.dweight, t.dbias];
  if (!f32(...all) || !rt.owns(...all.map((d) => d.storage as Float32Array))) return false;
  const { rows, cols: C } = rowsOf(t.x.shape);
  if (rows === 0 || C === 0) return false;
  const p = (d: Dev) => rt.ptr(d.storage as Float32Array);
  rt.runAll([
    {
      name: 'layer_norm_backward',
      args: [p(t.x), p(t.weight), p(t.mean), p(t.rstd), p(t.dy), p(t.dx), rows, C, accum],
      work: rows * C * 2,
    },
    {
      name: 'layer_norm_dweight',
      args: [p(t.x), p(t.mean), p(t.rstd), p(t.dy), p(t.dweight), p(t.dbias), rows, C],
      work: rows * C * 1.5,
    },
  ]);
  return true;
}

export function simdLayerNormBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'layerNormBackward'>,
): CpuKernel<'layerNormBackward'> {
  return (args) => {
    if (!layerNormBackwardJob(rt, { ...args.inputs, ...args.outputs }, 0)) ref(args);
  };
}

export function simdLayerNormBackwardInto(
  rt: WasmRuntime,
  ref: CpuKernel<'layerNormBackwardInto'>,
): CpuKernel<'layerNormBackwardInto'> {
  return (args) => {
    if (!layerNormBackwardJob(rt, { ...args.inputs, ...args.outputs, ...args.inouts }, 1)) ref(args);
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

/** dx (added into dx with `accum`) and dweight of an RMS norm, as one job; false when the tensors do not qualify. */
function rmsNormBackwardJob(
  rt: WasmRuntime,
  t: { x: Dev; weight: Dev; rstd: Dev; dy: Dev; dx: Dev; dweight: Dev },
  accum: number,
): boolean {
  const all = [t.x, t.weight, t.rstd, t.dy, t.dx, t.dweight];
  if (!f32(...all) || !rt.owns(...all.map((d) => d.storage as Float32Array))) return false;
  const { rows, cols: C } = rowsOf(t.x.shape);
  if (rows === 0 || C === 0) return false;
  const p = (d: Dev) => rt.ptr(d.storage as Float32Array);
  rt.runAll([
    {
      name: 'rms_norm_backward',
      args: [p(t.x), p(t.weight), p(t.rstd), p(t.dy), p(t.dx), rows, C, accum],
      work: rows * C * 1.5,
    },
    { name: 'rms_norm_dweight', args: [p(t.x), p(t.rstd), p(t.dy), p(t.dweight), rows, C], work: rows * C },
  ]);
  return true;
}

export function simdRmsNormBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'rmsNormBackward'>,
): CpuKernel<'rmsNormBackward'> {
  return (args) => {
    if (!rmsNormBackwardJob(rt, { ...args.inputs, ...args.outputs }, 0)) ref(args);
  };
}

export function simdRmsNormBackwardInto(
  rt: WasmRuntime,
  ref: CpuKernel<'rmsNormBackwardInto'>,
): CpuKernel<'rmsNormBackwardInto'> {
  return (args) => {
    if (!rmsNormBackwardJob(rt, { ...args.inputs, ...args.outputs, ...args.inouts }, 1)) ref(args);
  };
}

/**
 * RoPE (or its inverse) on rows of D channels: the cos/sin tables (T × D/2) are computed in float64
 * as the reference kernel does, rounded to float32 and kept (a training step asks for the same few
 * tables again and again: q and k, forward and backward); the rotation runs in WebAssembly SIMD with
 * threads over the B·H·T rows, reading the tables from scratch. D/2 not a multiple of 4: the
 * reference kernel.
 */
export function simdRope(rt: WasmRuntime, ref: CpuKernel<'rope'>): CpuKernel<'rope'> {
  // cos then sin, per (T, D, theta, offset, inverse); emptied when it grows past 16 (decoding asks
  // for a new offset every token)
  const tables = new Map<string, Float32Array>();
  return (args) => {
    const { x } = args.inputs;
    const { y } = args.outputs;
    if (!f32(x, y) || !rt.owns(x.storage as Float32Array, y.storage as Float32Array)) return ref(args);
    const [B, H, T, D] = x.shape as [number, number, number, number];
    const half = D >> 1;
    const rows = B * H * T;
    if (rows === 0 || half === 0 || half % 4 !== 0) return ref(args);
    const { theta, offset, inverse = false } = args.attrs;
    const key = `${T},${D},${theta},${offset},${inverse}`;
    let table = tables.get(key);
    if (!table) {
      const { cos, sin } = ropeTables({ BH: B * H, T, D, theta, offset, inverse });
      table = new Float32Array(cos.length * 2);
      table.set(cos);
      table.set(sin, cos.length);
      if (tables.size >= 16) tables.clear();
      tables.set(key, table);
    }
    const at = rt.scratch(table.length * 4);
    rt.f32View(at, table.length).set(table);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    rt.run('rope', [p(x), p(y), at, at + T * half * 4, rows, T, half], rows * D * 0.5);
  };
}
