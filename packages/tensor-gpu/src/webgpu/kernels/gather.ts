/**
 * `gather` (embedding lookup): y[j, :] = table[ids[j], :] with rows of R = prod(table.shape[1:])
 * elements. One thread per output element. An id outside [0, V) gives a row of zeros (a GPU kernel
 * cannot throw; the CPU backend reports it).
 *
 * Params: 0 n, 1 R, 2 V.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const gather: GpuKernel<'gather'> = (ctx, { inputs: { table, ids }, outputs: { y } }) => {
  const t = wgslType(ctx, 'gather', table.dtype);
  const n = sizeOf(y.shape);
  const R = sizeOf(table.shape.slice(1));
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> TABLE: array<${t}>;
@group(0) @binding(2) var<storage, read> IDS: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let R = pu(1u);
  let id = IDS[i / R];
  if (id < 0 || u32(id) >= pu(2u)) { Y[i] = ${t}(0); return; }
  Y[i] = TABLE[u32(id) * R + i % R];
}`;
  ctx.dispatch(
    'gather',
    code,
    [table, ids, y],
    grid1d(n, 256),
    new Params().u32(n).u32(R).u32(table.shape[0]!).buffer,
  );
};
