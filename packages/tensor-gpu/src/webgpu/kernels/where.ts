/**
 * `where`: y = cond ≠ 0 ? a : b, the three broadcast together (strided reads, as in `binary`).
 *
 * Params: 0 n, 1 rank, 2..9 shape, 10..17 cond strides, 18..25 a strides, 26..33 b strides.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, requireMaxRank, wgslType } from '../kernel-context.js';
import {
  broadcastStrides,
  collapseAxes,
  ENTRY_1D_ARGS,
  enables,
  GLOBAL_INDEX,
  grid1d,
  MAX_RANK,
  PARAMS_WGSL,
  Params,
  stridedOffsetWGSL,
} from '../wgsl.js';

export const where: GpuKernel<'where'> = (ctx, { inputs: { cond, a, b }, outputs: { y } }) => {
  const tc = wgslType(ctx, 'where', cond.dtype);
  const t = wgslType(ctx, 'where', a.dtype);
  const n = sizeOf(y.shape);
  const c = collapseAxes(y.shape, [
    broadcastStrides(cond.shape, y.shape),
    broadcastStrides(a.shape, y.shape),
    broadcastStrides(b.shape, y.shape),
  ]);
  requireMaxRank('where', c.shape, MAX_RANK);
  const code = /* wgsl */ `${enables(tc, t)}${PARAMS_WGSL}
${stridedOffsetWGSL('offC', 1, 2, 10)}
${stridedOffsetWGSL('offA', 1, 2, 18)}
${stridedOffsetWGSL('offB', 1, 2, 26)}
@group(0) @binding(1) var<storage, read> C: array<${tc}>;
@group(0) @binding(2) var<storage, read> A: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;
@group(0) @binding(4) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  Y[i] = select(B[offB(i)], A[offA(i)], C[offC(i)] != ${tc}(0));
}`;
  const params = new Params().u32(n).u32(c.shape.length).u32s(c.shape, MAX_RANK, 1);
  for (const s of c.strides) params.u32s(s, MAX_RANK);
  ctx.dispatch('where', code, [cond, a, b, y], grid1d(n, 256), params.buffer);
};
