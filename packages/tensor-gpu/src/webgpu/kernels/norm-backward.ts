/**
 * The row-norm backward kernels, from one WGSL template: `layerNormBackward`, `rmsNormBackward` and
 * their `…Into` forms (dx += ∂/∂x into the existing gradient instead of dx = ∂/∂x).
 *
 * With g = dy ⊙ w, per row:
 * - LayerNorm, x̂ = (x − mean)·rstd: dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂));
 *   dweight = Σ_rows dy ⊙ x̂, dbias = Σ_rows dy.
 * - RMSNorm, x̂ = x·rstd: dx = rstd · (g − x̂ · mean(g ⊙ x̂)); dweight = Σ_rows dy ⊙ x̂.
 *
 * Two dispatches: a row kernel (one workgroup per row, see `row-wgsl.ts`) for dx, and a column
 * kernel writing per-chunk partial sums of dweight (and dbias) that `encodeColumnSum` folds in a
 * fixed order (deterministic, see `column-sum-wgsl.ts`).
 *
 * Params (row kernel): 0 rows, 1 C. Params (column kernel): 0 rows, 1 C, 2 rows per chunk.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, type GpuTensor, type KernelContext, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { encodeColumnSum, rowsPerChunk } from './column-sum-wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

/** The tensors of either backward; `mean` and `dbias` only for LayerNorm. */
interface NormBackwardTensors {
  x: GpuTensor;
  weight: GpuTensor;
  mean?: GpuTensor;
  rstd: GpuTensor;
  dy: GpuTensor;
  dx: GpuTensor;
  dweight: GpuTensor;
  dbias?: GpuTensor;
}

/** `@group(0) @binding(1..)` declarations: read-only `reads`, then read-write `writes`. */
function bindings(reads: [string, string][], writes: [string, string][]): string {
  let b = 1;
  return [
    ...reads.map(([n, ty]) => `@group(0) @binding(${b++}) var<storage, read> ${n}: array<${ty}>;`),
    ...writes.map(([n, ty]) => `@group(0) @binding(${b++}) var<storage, read_write> ${n}: array<${ty}>;`),
  ].join('\n');
}

/** Records the backward of a LayerNorm (`mean` given) or an RMSNorm; with `accumulate`, dx += ∂/∂x. */
function encodeNormBackward(
  ctx: KernelContext,
  op: string,
  ts: NormBackwardTensors,
  accumulate: boolean,
): void {
  const { x, weight, mean, rstd, dy, dx, dweight, dbias } = ts;
  const layer = mean !== undefined;
  const t = wgslType(ctx, op, x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const each = `for (var c = lid; c < C; c += ${ROW_WG}u)`;
  const xhat = layer ? '(f32(X[base + c]) - mu) * rs' : 'f32(X[base + c]) * rs';
  const rowCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
${bindings(
  [['X', t], ['W', t], ...(layer ? [['MEAN', 'f32'] as [string, string]] : []), ['RSTD', 'f32'], ['DY', t]],
  [['DX', t]],
)}
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  ${layer ? 'let mu = MEAN[row];' : ''}
  let rs = RSTD[row];
  ${layer ? 'var sg = 0.0;' : ''}
  var sgx = 0.0;
  ${each} {
    let g = f32(DY[base + c]) * f32(W[c]);
    ${layer ? 'sg += g;' : ''}
    sgx += g * ${xhat};
  }
  ${layer ? 'let mg = wgSum(sg, lid) / f32(C);' : ''}
  let mgx = wgSum(sgx, lid) / f32(C);
  ${each} {
    let g = f32(DY[base + c]) * f32(W[c]);
    let xh = ${xhat};
    DX[base + c] = ${t}(${accumulate ? 'f32(DX[base + c]) + ' : ''}rs * (g${layer ? ' - mg' : ''} - xh * mgx));
  }
}`;
  const per = rowsPerChunk(rows);
  const chunks = Math.max(1, Math.ceil(rows / per));
  const colCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
${bindings(
  [['X', t], ...(layer ? [['MEAN', 'f32'] as [string, string]] : []), ['RSTD', 'f32'], ['DY', t]],
  [['PW', 'f32'], ...(layer ? [['PB', 'f32'] as [string, string]] : [])],
)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let chunk = gid.y;
  let rows = pu(0u);
  let C = pu(1u);
  if (c >= C) { return; }
  let r0 = chunk * pu(2u);
  let r1 = min(rows, r0 + pu(2u));
  var aw = 0.0;
  ${layer ? 'var ab = 0.0;' : ''}
  for (var r = r0; r < r1; r++) {
    let g = f32(DY[r * C + c]);
    aw += g * ${layer ? '(f32(X[r * C + c]) - MEAN[r])' : 'f32(X[r * C + c])'} * RSTD[r];
    ${layer ? 'ab += g;' : ''}
  }
  PW[chunk * C + c] = aw;
  ${layer ? 'PB[chunk * C + c] = ab;' : ''}
}`;
  const stats = layer ? [mean, rstd] : [rstd];
  if (rows > 0) {
    ctx.dispatch(
      op,
      rowCode,
      [x, weight, ...stats, dy, dx],
      grid1d(rows, 1),
      new Params().u32(rows).u32(C).buffer,
    );
  }
  if (C === 0) return;
  const pw = ctx.scratch(chunks * C * 4);
  const pb = layer ? ctx.scratch(chunks * C * 4) : null;
  ctx.dispatch(
    op,
    colCode,
    [x, ...stats, dy, { buffer: pw.buffer }, ...(pb ? [{ buffer: pb.buffer }] : [])],
    [Math.ceil(C / 64), chunks],
    new Params().u32(rows).u32(C).u32(per).buffer,
  );
  encodeColumnSum(ctx, op, t, pw.buffer, dweight, chunks, C);
  if (pb && dbias) encodeColumnSum(ctx, op, t, pb.buffer, dbias, chunks, C);
}

export const layerNormBackward: GpuKernel<'layerNormBackward'> = (ctx, { inputs, outputs }) =>
  encodeNormBackward(ctx, 'layerNormBackward', { ...inputs, ...outputs }, false);

/** `layerNormBackwardInto`: the same, adding dx into the existing gradient. */
export const layerNormBackwardInto: GpuKernel<'layerNormBackwardInto'> = (ctx, { inputs, outputs, inouts }) =>
  encodeNormBackward(ctx, 'layerNormBackwardInto', { ...inputs, ...outputs, ...inouts }, true);

export const rmsNormBackward: GpuKernel<'rmsNormBackward'> = (ctx, { inputs, outputs }) =>
  encodeNormBackward(ctx, 'rmsNormBackward', { ...inputs, ...outputs }, false);

/** `rmsNormBackwardInto`: the same, adding dx into the existing gradient. */
export const rmsNormBackwardInto: GpuKernel<'rmsNormBackwardInto'> = (ctx, { inputs, outputs, inouts }) =>
  encodeNormBackward(ctx, 'rmsNormBackwardInto', { ...inputs, ...outputs, ...inouts }, true);
