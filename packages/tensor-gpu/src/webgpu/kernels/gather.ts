/**
 * `gather` (embedding lookup): y[j, :] = table[ids[j], :] with rows of R = prod(table.shape[1:])
 * elements. One thread per output element (one per id when R = 0, so ids are still checked). An id
 * outside [0, V) gives a row of zeros and sets the device error flag: the next read raises the CPU
 * backend's ShapeError ("gather: expected ids in [0, V) ..., found id 7 at position 3").
 *
 * Params: 0 threads, 1 R, 2 V, 3 flag tag.
 */

import { gatherIdCheck } from '../../backend/contract/indexing.js';
import { sizeOf } from '../../backend/ops.js';
import { idFlagWGSL } from '../id-error-flag.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const gather: GpuKernel<'gather'> = (ctx, { inputs: { table, ids }, outputs: { y } }) => {
  const t = wgslType(ctx, 'gather', table.dtype);
  const nIds = sizeOf(ids.shape);
  const R = sizeOf(table.shape.slice(1));
  const threads = R === 0 ? nIds : nIds * R;
  if (threads === 0) return;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> TABLE: array<${t}>;
@group(0) @binding(2) var<storage, read> IDS: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<${t}>;
${idFlagWGSL(4)}
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let R = pu(1u);
  if (R == 0u) {
    let id = IDS[i];
    if (id < 0 || u32(id) >= pu(2u)) { reportBadId(pu(3u), i); }
    return;
  }
  let j = i / R;
  let id = IDS[j];
  if (id < 0 || u32(id) >= pu(2u)) {
    Y[i] = ${t}(0);
    if (i % R == 0u) { reportBadId(pu(3u), j); }
    return;
  }
  Y[i] = TABLE[u32(id) * R + i % R];
}`;
  const use = ctx.idCheck(gatherIdCheck(table.shape));
  ctx.dispatch(
    'gather',
    code,
    [table, ids, y, use.binding],
    grid1d(threads, 256),
    new Params().u32(threads).u32(R).u32(table.shape[0]!).u32(use.tag).buffer,
  );
  ctx.resolveIds(use, ids);
};
