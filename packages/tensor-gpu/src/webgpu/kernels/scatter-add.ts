/**
 * `scatterAdd` (backward of gather): y = zeros(rows, R); y[ids[j], :] += src[j, :].
 *
 * WGSL has no float atomics, and the sum must be deterministic (the same bits every run, for exact
 * resume), so each thread owns one column c of y and walks all N ids in order, adding src[j, c] into
 * y[ids[j], c]: no two threads touch the same element, and the order of additions is fixed.
 * Cost: N·R reads spread over R threads (fine for embeddings, R = channels). Ids outside [0, rows)
 * are skipped and set the device error flag (thread 0 reports them), so the next read raises the
 * CPU backend's ShapeError.
 *
 * Params: 0 rows·R, 1 R, 2 N, 3 rows, 4 flag tag.
 */
import { scatterAddIdCheck } from '../../backend/contract/indexing.js';
import { sizeOf } from '../../backend/ops.js';
import { idFlagWGSL } from '../id-error-flag.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const scatterAdd: GpuKernel<'scatterAdd'> = (
  ctx,
  { inputs: { ids, src }, outputs: { y }, attrs: { rows } },
) => {
  const t = wgslType(ctx, 'scatterAdd', src.dtype);
  const N = sizeOf(ids.shape);
  const R = sizeOf(src.shape.slice(ids.shape.length));
  const total = rows * R;
  const zero = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i < pu(0u)) { Y[i] = ${t}(0); }
}`;
  const add = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> IDS: array<i32>;
@group(0) @binding(2) var<storage, read> SRC: array<${t}>;
@group(0) @binding(3) var<storage, read_write> Y: array<${t}>;
${idFlagWGSL(4)}
@compute @workgroup_size(64)
fn main(${ENTRY_1D_ARGS}) {
  let c = ${GLOBAL_INDEX(64)};
  let R = pu(1u);
  if (c >= max(R, 1u)) { return; }
  let N = pu(2u);
  let rows = pu(3u);
  for (var j = 0u; j < N; j++) {
    let id = IDS[j];
    if (id >= 0 && u32(id) < rows) {
      if (c < R) {
        let o = u32(id) * R + c;
        Y[o] = ${t}(f32(Y[o]) + f32(SRC[j * R + c]));
      }
    } else if (c == 0u) {
      reportBadId(pu(4u), j);
    }
  }
}`;
  ctx.dispatch('scatterAdd', zero, [y], grid1d(total, 256), new Params().u32(total).buffer);
  if (N === 0) return;
  const use = ctx.idCheck(scatterAddIdCheck(rows));
  const params = new Params().u32(total).u32(R).u32(N).u32(rows).u32(use.tag).buffer;
  ctx.dispatch('scatterAdd', add, [ids, src, y, use.binding], grid1d(Math.max(R, 1), 64), params);
  ctx.resolveIds(use, ids);
};
