/**
 * The four row-norm forward kernels, from one WGSL template: `layerNorm`, `rmsNorm`, and the fused
 * residual forms `addLayerNorm`, `addRmsNorm`. One workgroup per row (see `row-wgsl.ts`).
 *
 * - LayerNorm: two reductions, the mean and then the variance of x − mean (two passes are more
 *   accurate than E[x²] − E[x]²); y = (x − mean)·rstd·w + b. Saves mean and rstd (f32) for the
 *   backward.
 * - RMSNorm (Llama): rstd = 1/√(Σx²/C + eps); y = x·rstd·w. Saves rstd.
 * - The fused forms write sum = x + residual and normalise it. The sum is recomputed in f32 in each
 *   pass over the row rather than read back, so with f16 storage the norm sees the unrounded sum, as
 *   the CPU kernel does.
 *
 * Bindings, in order: X, [R], W, [B], then [SUM], Y, [MEAN], RSTD (brackets: only some variants).
 * Params: 0 rows, 1 C, 2 eps.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, type GpuTensor, type KernelContext, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

/** Which norm, and whether a residual is added first. */
interface NormVariant {
  kind: 'layer' | 'rms';
  residual: boolean;
}

/** The WGSL of one variant with storage type `t`. */
function normWgsl(t: string, { kind, residual }: NormVariant): string {
  const layer = kind === 'layer';
  const reads = ['X', ...(residual ? ['R'] : []), 'W', ...(layer ? ['B'] : [])];
  const writes: [string, string][] = [
    ...(residual ? [['SUM', t] as [string, string]] : []),
    ['Y', t],
    ...(layer ? [['MEAN', 'f32'] as [string, string]] : []),
    ['RSTD', 'f32'],
  ];
  let binding = 1;
  const declarations = [
    ...reads.map((n) => `@group(0) @binding(${binding++}) var<storage, read> ${n}: array<${t}>;`),
    ...writes.map(
      ([n, ty]) => `@group(0) @binding(${binding++}) var<storage, read_write> ${n}: array<${ty}>;`,
    ),
  ].join('\n');
  // x[c] of the row in f32: the input, or the recomputed sum
  const x = residual ? 's(base + c)' : 'f32(X[base + c])';
  const keepSum = residual ? `SUM[base + c] = ${t}(v); ` : '';
  const each = `for (var c = lid; c < C; c += ${ROW_WG}u)`;
  const stats = layer
    ? `var acc = 0.0;
  ${each} { let v = ${x}; ${keepSum}acc += v; }
  let mu = wgSum(acc, lid) / f32(C);
  var acc2 = 0.0;
  ${each} { let d = ${x} - mu; acc2 += d * d; }
  let rs = 1.0 / sqrt(wgSum(acc2, lid) / f32(C) + pf(2u));`
    : `var acc = 0.0;
  ${each} { let v = ${x}; ${keepSum}acc += v * v; }
  let rs = 1.0 / sqrt(wgSum(acc, lid) / f32(C) + pf(2u));`;
  const y = layer ? `(${x} - mu) * rs * f32(W[c]) + f32(B[c])` : `${x} * rs * f32(W[c])`;
  return /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
${declarations}
${residual ? 'fn s(i: u32) -> f32 { return f32(X[i]) + f32(R[i]); }' : ''}
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  ${stats}
  ${each} { Y[base + c] = ${t}(${y}); }
  if (lid == 0u) { ${layer ? 'MEAN[row] = mu; ' : ''}RSTD[row] = rs; }
}`;
}

/** Dispatches one variant over the rows of `x`; `bindings` in the order of the file header. */
function rowNorm(
  ctx: KernelContext,
  op: 'layerNorm' | 'rmsNorm' | 'addLayerNorm' | 'addRmsNorm',
  variant: NormVariant,
  x: GpuTensor,
  bindings: readonly GpuTensor[],
  eps: number,
): void {
  const t = wgslType(ctx, op, x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  if (rows === 0) return;
  const params = new Params().u32(rows).u32(C).f32(eps).buffer;
  ctx.dispatch(op, normWgsl(t, variant), bindings, grid1d(rows, 1), params);
}

export const layerNorm: GpuKernel<'layerNorm'> = (
  ctx,
  { inputs: { x, weight, bias }, outputs: { y, mean, rstd }, attrs: { eps } },
) => rowNorm(ctx, 'layerNorm', { kind: 'layer', residual: false }, x, [x, weight, bias, y, mean, rstd], eps);

export const rmsNorm: GpuKernel<'rmsNorm'> = (
  ctx,
  { inputs: { x, weight }, outputs: { y, rstd }, attrs: { eps } },
) => rowNorm(ctx, 'rmsNorm', { kind: 'rms', residual: false }, x, [x, weight, y, rstd], eps);

export const addLayerNorm: GpuKernel<'addLayerNorm'> = (
  ctx,
  { inputs: { x, residual, weight, bias }, outputs: { sum, y, mean, rstd }, attrs: { eps } },
) =>
  rowNorm(
    ctx,
    'addLayerNorm',
    { kind: 'layer', residual: true },
    x,
    [x, residual, weight, bias, sum, y, mean, rstd],
    eps,
  );

export const addRmsNorm: GpuKernel<'addRmsNorm'> = (
  ctx,
  { inputs: { x, residual, weight }, outputs: { sum, y, rstd }, attrs: { eps } },
) => rowNorm(ctx, 'addRmsNorm', { kind: 'rms', residual: true }, x, [x, residual, weight, sum, y, rstd], eps);
