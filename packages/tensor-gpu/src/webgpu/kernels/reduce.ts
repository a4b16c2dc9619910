/**
 * `reduce` (sum, mean, max, min, sumSquares over any axes): one 64-thread workgroup per output element. The
 * input's axes are split into kept ones (which output element) and reduced ones (which term of it),
 * each list collapsed where contiguous; thread t of a workgroup folds terms t, t+64, t+128, ... and the
 * 64 partials are combined by a tree in workgroup memory (a fixed order: the same bits every run).
 * Float sums accumulate in f32; sumSquares squares each term (in f32) as it folds it.
 *
 * Worked example: x (2,3,4) sum over [1] → kept axes (2,4) with strides (12,1), reduced axis (3) with
 * stride 4; output (1,2) reads x[12 + 2 + 4r] for r = 0,1,2.
 *
 * Params: 0 nOut, 1 R (terms per output), 2 kept rank, 3 reduced rank, 4..11 kept shape,
 * 12..19 kept strides, 20..27 reduced shape, 28..35 reduced strides.
 */
import { type ReduceKind, sizeOf, stridesOf } from '../../backend/ops.js';
import { computeType, type GpuKernel, requireMaxRank, wgslType } from '../kernel-context.js';
import { collapseAxes, enables, grid1d, MAX_RANK, PARAMS_WGSL, Params, stridedOffsetWGSL } from '../wgsl.js';

const WG = 64;

/** Identity of each reduction in compute type `ct`. */
function initValue(op: ReduceKind, ct: 'f32' | 'i32' | 'u32'): string {
  if (op === 'sum' || op === 'mean' || op === 'sumSquares') return `${ct}(0)`;
  if (ct === 'f32') return op === 'max' ? 'negInf()' : 'posInf()';
  if (ct === 'i32') return op === 'max' ? 'i32(-2147483647 - 1)' : 'i32(2147483647)';
  return op === 'max' ? '0u' : '4294967295u';
}

export const reduce: GpuKernel<'reduce'> = (ctx, { inputs: { x }, outputs: { y }, attrs: { op, axes } }) => {
  const t = wgslType(ctx, op, x.dtype);
  const ct = computeType(t);
  const strides = stridesOf(x.shape);
  const keptAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const kept = collapseAxes(
    keptAxes.map((i) => x.shape[i]!),
    [keptAxes.map((i) => strides[i]!)],
  );
  const red = collapseAxes(
    axes.map((i) => x.shape[i]!),
    [axes.map((i) => strides[i]!)],
  );
  requireMaxRank(op, kept.shape, MAX_RANK);
  const nOut = sizeOf(y.shape);
  const R = sizeOf(axes.map((i) => x.shape[i]!));
  const combine = op === 'max' ? 'max(a, b)' : op === 'min' ? 'min(a, b)' : '(a + b)';
  const finish = op === 'mean' ? 'acc / f32(pu(1u))' : 'acc';
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
${stridedOffsetWGSL('keptOff', 2, 4, 12)}
${stridedOffsetWGSL('redOff', 3, 20, 28)}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read_write> Y: array<${t}>;
var<workgroup> part: array<${ct}, ${WG}>;
fn comb(a: ${ct}, b: ${ct}) -> ${ct} { return ${combine}; }
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = wg.x + wg.y * nwg.x;
  if (o >= pu(0u)) { return; }
  let base = keptOff(o);
  let R = pu(1u);
  var acc = ${initValue(op, ct)};
  for (var r = lid; r < R; r += ${WG}u) {
    let v = ${ct}(X[base + redOff(r)]);
    acc = comb(acc, ${op === 'sumSquares' ? 'v * v' : 'v'});
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s / 2u) {
    if (lid < s) { part[lid] = comb(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let acc = part[0];
    Y[o] = ${t}(${finish});
  }
}`;
  const params = new Params()
    .u32(nOut)
    .u32(R)
    .u32(kept.shape.length)
    .u32(red.shape.length)
    .u32s(kept.shape, MAX_RANK, 1)
    .u32s(kept.strides[0]!, MAX_RANK)
    .u32s(red.shape, MAX_RANK, 1)
    .u32s(red.strides[0]!, MAX_RANK);
  ctx.dispatch(op, code, [x, y], grid1d(nOut, 1), params.buffer);
};
