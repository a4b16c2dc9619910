/**
 * `crossEntropyBackward`: dlogits[n, :] = dloss[n]·w[n]·(softmax(logits[n]) − onehot(target[n])),
 * with softmax = exp(logits − lse) from the saved lse; 0 for ignored rows. One thread per element.
 * A target outside [0, V) sets the device error flag (as in the forward kernel).
 *
 * Params: 0 N·V, 1 V, 2 ignoreIndex (i32), 3 flag tag.
 */
import { crossEntropyIdCheck } from '../../backend/contract/loss.js';
import { idFlagWGSL } from '../id-error-flag.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

export const crossEntropyBackward: GpuKernel<'crossEntropyBackward'> = (
  ctx,
  { inputs: { logits, targets, weights, lse, dloss }, outputs: { dlogits }, attrs: { ignoreIndex } },
) => {
  const t = wgslType(ctx, 'crossEntropyBackward', logits.dtype);
  const tw = weights ? wgslType(ctx, 'crossEntropyBackward', weights.dtype) : t;
  const [N, V] = logits.shape as [number, number];
  const code = /* wgsl */ `${enables(t, tw)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> L: array<${t}>;
@group(0) @binding(2) var<storage, read> TGT: array<i32>;
@group(0) @binding(3) var<storage, read> LSE: array<f32>;
@group(0) @binding(4) var<storage, read> DLOSS: array<f32>;
@group(0) @binding(5) var<storage, read_write> DL: array<${t}>;
${idFlagWGSL(6)}
${weights ? `@group(0) @binding(7) var<storage, read> WT: array<${tw}>;` : ''}
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let i = ${GLOBAL_INDEX(256)};
  if (i >= pu(0u)) { return; }
  let V = pu(1u);
  let row = i / V;
  let c = i % V;
  let tg = TGT[row];
  if (tg == pi(2u)) { DL[i] = ${t}(0.0); return; }
  if (tg < 0 || u32(tg) >= V) {
    DL[i] = ${t}(0.0);
    if (c == 0u) { reportBadId(pu(3u), row); }
    return;
  }
  let p = exp(f32(L[i]) - LSE[row]);
  let onehot = select(0.0, 1.0, tg >= 0 && u32(tg) == c);
  DL[i] = ${t}(DLOSS[row] * ${weights ? 'f32(WT[row])' : '1.0'} * (p - onehot));
}`;
  const n = N * V;
  if (n === 0) return;
  const use = ctx.idCheck(crossEntropyIdCheck('crossEntropyBackward', V, ignoreIndex));
  const bindings = [logits, targets, lse, dloss, dlogits, use.binding];
  ctx.dispatch(
    'crossEntropyBackward',
    code,
    weights ? [...bindings, weights] : bindings,
    grid1d(n, 256),
    new Params().u32(n).u32(V).i32(ignoreIndex).u32(use.tag).buffer,
  );
  ctx.resolveIds(use, targets);
};
