/**
 * WebAssembly SIMD wrappers of the row kernels: `layerNorm` and `layerNormBackward`
 * (`wasm/rows.wat`). The backward runs two kernels: dx with threads over rows, then dweight/dbias
 * with threads over columns (each column summed over all rows in order, whatever the thread count).
 */
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
      rows * C * 1.5,
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
    rt.run('layer_norm_backward', [p(x), p(weight), p(mean), p(rstd), p(dy), p(dx), rows, C], rows * C * 2);
    rt.run(
      'layer_norm_dweight',
      [p(x), p(mean), p(rstd), p(dy), p(dweight), p(dbias), rows, C],
      rows * C * 1.5,
    );
  };
}
