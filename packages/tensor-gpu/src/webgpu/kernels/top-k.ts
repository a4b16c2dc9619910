/**
 * `topK` along the last axis, descending, ties → lower index first. One 256-thread workgroup per
 * row does k selection rounds: in round r every thread finds, among its elements t, t+256, ..., the
 * best one that comes strictly after the pick of round r−1 in the order (value desc, index asc), and
 * a workgroup tree picks the best of those. Cost k·V/256 per thread: meant for the small k of
 * sampling (k ≤ a few hundred), not for sorting a whole vocabulary.
 *
 * Params: 0 rows, 1 V, 2 k.
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX } from './row-wgsl.js';

/** WGSL: `better(v1, i1, v2, i2)` — (v1, i1) comes before (v2, i2); NONE marks "no element". */
export const ORDER_WGSL = /* wgsl */ `
const NONE = 0xffffffffu;
fn better(v1: f32, i1: u32, v2: f32, i2: u32) -> bool {
  if (i1 == NONE) { return false; }
  if (i2 == NONE) { return true; }
  return v1 > v2 || (v1 == v2 && i1 < i2);
}
`;

export const topK: GpuKernel<'topK'> = (
  ctx,
  { inputs: { x }, outputs: { values, indices }, attrs: { k } },
) => {
  const t = wgslType(ctx, 'topK', x.dtype);
  const V = x.shape[x.shape.length - 1]!;
  const rows = V === 0 ? 0 : sizeOf(x.shape) / V;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ORDER_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> VALS: array<${t}>;
@group(0) @binding(3) var<storage, read_write> IDX: array<i32>;
var<workgroup> rv: array<f32, 256>;
var<workgroup> ri: array<u32, 256>;
@compute @workgroup_size(256)
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let V = pu(1u);
  let K = pu(2u);
  let base = row * V;
  var pv = 0.0;
  var pidx = NONE;
  for (var r = 0u; r < K; r++) {
    var bv = 0.0;
    var bi = NONE;
    for (var c = lid; c < V; c += 256u) {
      let v = f32(X[base + c]);
      let after = pidx == NONE || better(pv, pidx, v, c);
      if (after && better(v, c, bv, bi)) { bv = v; bi = c; }
    }
    workgroupBarrier();
    rv[lid] = bv;
    ri[lid] = bi;
    workgroupBarrier();
    for (var s = 128u; s > 0u; s = s / 2u) {
      if (lid < s && better(rv[lid + s], ri[lid + s], rv[lid], ri[lid])) {
        rv[lid] = rv[lid + s];
        ri[lid] = ri[lid + s];
      }
      workgroupBarrier();
    }
    pv = rv[0];
    pidx = ri[0];
    workgroupBarrier();
    if (lid == 0u) {
      VALS[row * K + r] = ${t}(pv);
      IDX[row * K + r] = i32(pidx);
    }
  }
}`;
  if (rows === 0) return;
  ctx.dispatch(
    'topK',
    code,
    [x, values, indices],
    grid1d(rows, 1),
    new Params().u32(rows).u32(V).u32(k).buffer,
  );
};
