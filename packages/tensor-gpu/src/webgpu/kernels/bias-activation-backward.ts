/**
 * `biasActivationBackward`: dpre = dy·act'(pre) (dy itself with no activation) elementwise, then
 * dbias = Σ_rows dpre as the norm backwards sum their columns (two stages, fixed order:
 * `column-sum-wgsl.ts`).
 *
 * Params (elementwise): 0 n. Params (columns): 0 rows, 1 F, 2 rows per chunk.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { encodeColumnSum, rowsPerChunk } from './column-sum-wgsl.js';
import { MATH_WGSL, unaryGradExpr } from './unary-math.js';

export const biasActivationBackward: GpuKernel<'biasActivationBackward'> = (
  ctx,
  { inputs: { pre, dy }, outputs: { dpre, dbias }, attrs: { activation } },
) => {
  const t = wgslType(ctx, 'biasActivationBackward', pre.dtype);
  const F = pre.shape[pre.shape.length - 1] ?? 1;
  const n = sizeOf(pre.shape);
  const rows = F === 0 ? 0 : n / F;
  const grad = activation === 'none' ? 'f32(DY[i])' : `f32(DY[i]) * ${unaryGradExpr(activation, 'x')}`;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${MATH_WGSL}
@group(0) @binding(1) var<storage, read> PRE: array<${t}>;
@group(0) @binding(2) var<storage, read> DY: array<${t}>;
@group(0) @binding(3) var<storage, read_write> DPRE: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let x = f32(PRE[i]);
  DPRE[i] = ${t}(${grad});
}`;
  if (n > 0) {
    ctx.dispatch('biasActivationBackward', code, [pre, dy, dpre], grid1d(n, 256), new Params().u32(n).buffer);
  }
  if (F === 0) return;
  const per = rowsPerChunk(rows);
  const chunks = Math.max(1, Math.ceil(rows / per));
  const colCode = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> D: array<${t}>;
@group(0) @binding(2) var<storage, read_write> PART: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let chunk = gid.y;
  let F = pu(1u);
  if (c >= F) { return; }
  let r0 = chunk * pu(2u);
  let r1 = min(pu(0u), r0 + pu(2u));
  var acc = 0.0;
  for (var r = r0; r < r1; r++) { acc += f32(D[r * F + c]); }
  PART[chunk * F + c] = acc;
}`;
  const part = ctx.scratch(chunks * F * 4);
  ctx.dispatch(
    'biasActivationBackward',
    colCode,
    [dpre, { buffer: part.buffer }],
    [Math.ceil(F / 64), chunks],
    new Params().u32(rows).u32(F).u32(per).buffer,
  );
  encodeColumnSum(ctx, 'biasActivationBackward', t, part.buffer, dbias, chunks, F);
};
