/**
 * `crossEntropy` per row: lse = log Σ exp(logits) (max-shifted), loss = w·(lse − logits[target]),
 * 0 where target = ignoreIndex. One workgroup per row. A target outside [0, V) (and not ignoreIndex)
 * gives loss 0 and sets the device error flag: the next read raises the CPU backend's ShapeError
 * ("crossEntropy: expected every target in [0, V) or equal to ignoreIndex ..., found target 5 at row 1").
 *
 * Params: 0 N, 1 V, 2 ignoreIndex (i32), 3 flag tag.
 */
import { crossEntropyIdCheck } from '../../backend/contract/loss.js';
import { idFlagWGSL } from '../id-error-flag.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL, ROW_WG } from './row-wgsl.js';

export const crossEntropy: GpuKernel<'crossEntropy'> = (
  ctx,
  { inputs: { logits, targets, weights }, outputs: { loss, lse }, attrs: { ignoreIndex } },
) => {
  const t = wgslType(ctx, 'crossEntropy', logits.dtype);
  const tw = weights ? wgslType(ctx, 'crossEntropy', weights.dtype) : t;
  const [N, V] = logits.shape as [number, number];
  const code = /* wgsl */ `${enables(t, tw)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> L: array<${t}>;
@group(0) @binding(2) var<storage, read> TGT: array<i32>;
@group(0) @binding(3) var<storage, read_write> LOSS: array<f32>;
@group(0) @binding(4) var<storage, read_write> LSE: array<f32>;
${idFlagWGSL(5)}
${weights ? `@group(0) @binding(6) var<storage, read> WT: array<${tw}>;` : ''}
@compute @workgroup_size(${ROW_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  let V = pu(1u);
  let base = row * V;
  var mx = negInf();
  for (var c = lid; c < V; c += ${ROW_WG}u) { mx = max(mx, f32(L[base + c])); }
  let m = wgMax(mx, lid);
  var acc = 0.0;
  for (var c = lid; c < V; c += ${ROW_WG}u) { acc += exp(f32(L[base + c]) - m); }
  let s = wgSum(acc, lid);
  if (lid == 0u) {
    let l = m + log(s);
    LSE[row] = l;
    let tg = TGT[row];
    if (tg == pi(2u)) {
      LOSS[row] = 0.0;
    } else if (tg < 0 || u32(tg) >= V) {
      LOSS[row] = 0.0;
      reportBadId(pu(3u), row);
    } else {
      LOSS[row] = ${weights ? 'f32(WT[row])' : '1.0'} * (l - f32(L[base + u32(tg)]));
    }
  }
}`;
  if (N === 0) return;
  const use = ctx.idCheck(crossEntropyIdCheck('crossEntropy', V, ignoreIndex));
  ctx.dispatch(
    'crossEntropy',
    code,
    weights ? [logits, targets, loss, lse, use.binding, weights] : [logits, targets, loss, lse, use.binding],
    grid1d(N, 1),
    new Params().u32(N).u32(V).i32(ignoreIndex).u32(use.tag).buffer,
  );
  ctx.resolveIds(use, targets);
};
