/**
 * `layerNormBackward`. With x̂ = (x − mean)·rstd and g = dy ⊙ w, per row:
 *   dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂))
 * and over all rows: dweight = Σ dy ⊙ x̂, dbias = Σ dy (two-stage column sums, see column-sum-wgsl).
 *
 * Params (row kernel): 0 rows, 1 C. Params (column kernel): 0 rows, 1 C, 2 rows per chunk.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, type GpuTensor, type KernelContext, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { encodeColumnSum, rowsPerChunk } from './column-sum-wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

/** Records the backward; with `accumulate`, dx += ∂/∂x (the `…Into` op) instead of dx = ∂/∂x. */
function encodeLayerNormBackward(
  ctx: KernelContext,
  op: string,
  {
    x,
    weight,
    mean,
    rstd,
    dy,
    dx,
    dweight,
    dbias,
  }: Record<'x' | 'weight' | 'mean' | 'rstd' | 'dy' | 'dx' | 'dweight' | 'dbias', GpuTensor>,
  accumulate: boolean,
): void {
  const t = wgslType(ctx, op, x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const rowCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> W: array<${t}>;
@group(0) @binding(3) var<storage, read> MEAN: array<f32>;
@group(0) @binding(4) var<storage, read> RSTD: array<f32>;
@group(0) @binding(5) var<storage, read> DY: array<${t}>;
@group(0) @binding(6) var<storage, read_write> DX: array<${t}>;
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  let mu = MEAN[row];
  let rs = RSTD[row];
  var sg = 0.0;
  var sgx = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    let g = f32(DY[base + c]) * f32(W[c]);
    sg += g;
    sgx += g * (f32(X[base + c]) - mu) * rs;
  }
  let mg = wgSum(sg, lid) / f32(C);
  let mgx = wgSum(sgx, lid) / f32(C);
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    let g = f32(DY[base + c]) * f32(W[c]);
    let xh = (f32(X[base + c]) - mu) * rs;
    DX[base + c] = ${t}(${accumulate ? 'f32(DX[base + c]) + ' : ''}rs * (g - mg - xh * mgx));
  }
}`;
  const per = rowsPerChunk(rows);
  const chunks = Math.max(1, Math.ceil(rows / per));
  const colCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> MEAN: array<f32>;
@group(0) @binding(3) var<storage, read> RSTD: array<f32>;
@group(0) @binding(4) var<storage, read> DY: array<${t}>;
@group(0) @binding(5) var<storage, read_write> PW: array<f32>;
@group(0) @binding(6) var<storage, read_write> PB: array<f32>;
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
  var ab = 0.0;
  for (var r = r0; r < r1; r++) {
    let g = f32(DY[r * C + c]);
    aw += g * (f32(X[r * C + c]) - MEAN[r]) * RSTD[r];
    ab += g;
  }
  PW[chunk * C + c] = aw;
  PB[chunk * C + c] = ab;
}`;
  if (rows > 0) {
    ctx.dispatch(
      op,
      rowCode,
      [x, weight, mean, rstd, dy, dx],
      grid1d(rows, 1),
      new Params().u32(rows).u32(C).buffer,
    );
  }
  if (C === 0) return;
  const pw = ctx.scratch(chunks * C * 4);
  const pb = ctx.scratch(chunks * C * 4);
  ctx.dispatch(
    op,
    colCode,
    [x, mean, rstd, dy, { buffer: pw.buffer }, { buffer: pb.buffer }],
    [Math.ceil(C / 64), chunks],
    new Params().u32(rows).u32(C).u32(per).buffer,
  );
  encodeColumnSum(ctx, op, t, pw.buffer, dweight, chunks, C);
  encodeColumnSum(ctx, op, t, pb.buffer, dbias, chunks, C);
}

export const layerNormBackward: GpuKernel<'layerNormBackward'> = (ctx, { inputs, outputs }) =>
  encodeLayerNormBackward(ctx, 'layerNormBackward', { ...inputs, ...outputs }, false);

/** `layerNormBackwardInto`: the same, adding dx into the existing gradient. */
export const layerNormBackwardInto: GpuKernel<'layerNormBackwardInto'> = (ctx, { inputs, outputs, inouts }) =>
  encodeLayerNormBackward(ctx, 'layerNormBackwardInto', { ...inputs, ...outputs, ...inouts }, true);
