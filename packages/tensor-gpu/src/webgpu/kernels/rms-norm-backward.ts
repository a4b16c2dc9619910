/**
 * `rmsNormBackward`. With x̂ = x·rstd and g = dy ⊙ w, per row: dx = rstd · (g − x̂ · mean(g ⊙ x̂));
 * dweight = Σ_rows dy ⊙ x̂ (two-stage deterministic column sum).
 *
 * Params (row kernel): 0 rows, 1 C. Params (column kernel): 0 rows, 1 C, 2 rows per chunk.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, type GpuTensor, type KernelContext, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { encodeColumnSum, rowsPerChunk } from './column-sum-wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

/** Records the backward; with `accumulate`, dx += ∂/∂x (the `…Into` op) instead of dx = ∂/∂x. */
function encodeRmsNormBackward(
  ctx: KernelContext,
  op: string,
  { x, weight, rstd, dy, dx, dweight }: Record<'x' | 'weight' | 'rstd' | 'dy' | 'dx' | 'dweight', GpuTensor>,
  accumulate: boolean,
): void {
  const t = wgslType(ctx, op, x.dtype);
  const C = x.shape[x.shape.length - 1] ?? 1;
  const rows = C === 0 ? 0 : sizeOf(x.shape) / C;
  const rowCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> W: array<${t}>;
@group(0) @binding(3) var<storage, read> RSTD: array<f32>;
@group(0) @binding(4) var<storage, read> DY: array<${t}>;
@group(0) @binding(5) var<storage, read_write> DX: array<${t}>;
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let C = pu(1u);
  let base = row * C;
  let rs = RSTD[row];
  var sgx = 0.0;
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    sgx += f32(DY[base + c]) * f32(W[c]) * f32(X[base + c]) * rs;
  }
  let mgx = wgSum(sgx, lid) / f32(C);
  for (var c = lid; c < C; c += ${ROW_WG}u) {
    let g = f32(DY[base + c]) * f32(W[c]);
    let xh = f32(X[base + c]) * rs;
    DX[base + c] = ${t}(${accumulate ? 'f32(DX[base + c]) + ' : ''}rs * (g - xh * mgx));
  }
}`;
  const per = rowsPerChunk(rows);
  const chunks = Math.max(1, Math.ceil(rows / per));
  const colCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> RSTD: array<f32>;
@group(0) @binding(3) var<storage, read> DY: array<${t}>;
@group(0) @binding(4) var<storage, read_write> PW: array<f32>;
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
  for (var r = r0; r < r1; r++) { aw += f32(DY[r * C + c]) * f32(X[r * C + c]) * RSTD[r]; }
  PW[chunk * C + c] = aw;
}`;
  if (rows > 0) {
    ctx.dispatch(
      op,
      rowCode,
      [x, weight, rstd, dy, dx],
      grid1d(rows, 1),
      new Params().u32(rows).u32(C).buffer,
    );
  }
  if (C === 0) return;
  const pw = ctx.scratch(chunks * C * 4);
  ctx.dispatch(
    op,
    colCode,
    [x, rstd, dy, { buffer: pw.buffer }],
    [Math.ceil(C / 64), chunks],
    new Params().u32(rows).u32(C).u32(per).buffer,
  );
  encodeColumnSum(ctx, op, t, pw.buffer, dweight, chunks, C);
}

export const rmsNormBackward: GpuKernel<'rmsNormBackward'> = (ctx, { inputs, outputs }) =>
  encodeRmsNormBackward(ctx, 'rmsNormBackward', { ...inputs, ...outputs }, false);

/** `rmsNormBackwardInto`: the same, adding dx into the existing gradient. */
export const rmsNormBackwardInto: GpuKernel<'rmsNormBackwardInto'> = (ctx, { inputs, outputs, inouts }) =>
  encodeRmsNormBackward(ctx, 'rmsNormBackwardInto', { ...inputs, ...outputs, ...inouts }, true);
