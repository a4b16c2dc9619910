/**
 * `attention` forward, flash-style (never materialises the T×S score matrix), two kernels:
 *
 * Tiled (D a multiple of 4, D ≤ 96 — GPT-2's 64; see `tiledKeys`): one thread per query row, 64 rows
 * per workgroup; q and the output accumulator live in registers as vec4s; the workgroup walks the keys
 * in tiles of 32 rows of K and V staged in workgroup memory (each K/V element is read from global
 * memory once per 64 query rows instead of once per row). Per tile: 32 scores, one running-max
 * update and rescale of o, then o += Σ p_j v_j.
 *
 * Row kernel (any D ≤ 256): one 64-thread workgroup per query row (b, h, t). Keys are visited in
 * blocks of 64, one key per thread:
 *   s_j = scale · q·k_j  →  block max → running max m, running sum l = l·e^(m_old−m) + Σ e^(s_j−m)
 *   o ← o·e^(m_old−m) + Σ_j e^(s_j−m) v_j   (thread c owns channels c, c+64, ...)
 * and finally o /= l, lse = m + log l (saved for the backward).
 */
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL } from '../wgsl.js';
import { ATT_REDUCE_WGSL, ATT_WG, attentionParams, MAX_HEAD_DIM, Q_ROW_WGSL } from './attention-wgsl.js';
import { ROW_ENTRY_ARGS } from './row-wgsl.js';

const U = MAX_HEAD_DIM / ATT_WG; // accumulators per thread

/** Query rows per workgroup of the tiled kernel (one per thread). */
const TILE_Q = 64;

/**
 * Keys per K/V tile of the tiled kernel for head size D, or 0 when it does not apply (D not a
 * multiple of 4, D > 96, or K+V tiles of 16 rows not fitting the workgroup memory).
 * Example: D 64 → 32 keys (2 · 32 · 64 · 4 B = 16 KiB).
 */
function tiledKeys(D: number, maxWorkgroupStorage: number): number {
  // D ≤ 96: at D = 128 (32 + 32 vec4 registers per thread) Mesa llvmpipe took > 2 minutes to compile
  // the kernel, so that size stays on the row kernel until it is measured on real hardware.
  if (D % 4 !== 0 || D > 96) return 0;
  for (const tk of [32, 16]) if (2 * tk * D * 4 <= maxWorkgroupStorage) return tk;
  return 0;
}

/**
 * The tiled forward (flash-attention style, one query row per thread). Workgroup w covers query
 * rows q0 .. q0+63 of one (b, h); it walks the keys TK at a time up to the last row's causal limit:
 * the 64 threads copy the K and V tile into workgroup memory (coalesced vec4 loads), then each
 * thread scores its row against the TK keys (q pre-scaled, in registers), and folds them into its
 * running max m, sum l and vec4 accumulators o:
 *   m' = max(m, max_j s_j),  l = l·e^(m−m') + Σ e^(s_j−m'),  o = o·e^(m−m') + Σ e^(s_j−m') v_j.
 * Keys past a row's causal limit get p = 0; a tile wholly past it is skipped by that thread.
 */
function tiledForwardWGSL(t: string, D: number, TK: number): string {
  const DV = D / 4;
  return /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> Q: array<vec4<${t}>>;
@group(0) @binding(2) var<storage, read> K: array<vec4<${t}>>;
@group(0) @binding(3) var<storage, read> V: array<vec4<${t}>>;
@group(0) @binding(4) var<storage, read_write> O: array<vec4<${t}>>;
@group(0) @binding(5) var<storage, read_write> LSE: array<f32>;
var<workgroup> Ks: array<vec4<f32>, ${TK * DV}>;
var<workgroup> Vs: array<vec4<f32>, ${TK * DV}>;
@compute @workgroup_size(${TILE_Q})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let H = pu(2u); let Hkv = pu(3u); let T = pu(4u); let S = pu(5u);
  let tiles = (T + ${TILE_Q - 1}u) / ${TILE_Q}u;
  let w = wg.x + wg.y * nwg.x;
  if (w >= pu(1u) * H * tiles) { return; }
  let bh = w / tiles;
  let q0 = (w % tiles) * ${TILE_Q}u;
  let h = bh % H;
  let b = bh / H;
  let kvBase = ((b * Hkv + h / (H / Hkv)) * S) * ${DV}u;
  let causal = pu(7u) == 1u;
  let tq = q0 + lid;
  let live = tq < T;
  // Keys this row sees, and the most any row of the workgroup sees (uniform: loop bound).
  let lastRow = min(T, q0 + ${TILE_Q}u) - 1u;
  var limit = S;
  var wgLimit = S;
  if (causal) {
    limit = min(S, tq + (S - T) + 1u);
    wgLimit = min(S, lastRow + (S - T) + 1u);
  }
  if (!live) { limit = 0u; }
  let row = bh * T + tq;
  let scale = pf(8u);
  var qv: array<vec4<f32>, ${DV}>;
  var o: array<vec4<f32>, ${DV}>;
  for (var c = 0u; c < ${DV}u; c++) {
    o[c] = vec4<f32>(0.0);
    if (live) { qv[c] = vec4<f32>(Q[row * ${DV}u + c]) * scale; } else { qv[c] = vec4<f32>(0.0); }
  }
  var m = negInf();
  var l = 0.0;
  for (var j0 = 0u; j0 < wgLimit; j0 += ${TK}u) {
    workgroupBarrier();
    for (var i = lid; i < ${TK * DV}u; i += ${TILE_Q}u) {
      let j = j0 + i / ${DV}u;
      var kx = vec4<f32>(0.0);
      var vx = vec4<f32>(0.0);
      if (j < S) {
        let g = kvBase + j0 * ${DV}u + i;
        kx = vec4<f32>(K[g]);
        vx = vec4<f32>(V[g]);
      }
      Ks[i] = kx;
      Vs[i] = vx;
    }
    workgroupBarrier();
    if (j0 < limit) {
      let nValid = min(${TK}u, limit - j0);
      var s: array<f32, ${TK}>;
      var mt = negInf();
      for (var jj = 0u; jj < ${TK}u; jj++) {
        var d = vec4<f32>(0.0);
        for (var c = 0u; c < ${DV}u; c++) { d = fma(qv[c], Ks[jj * ${DV}u + c], d); }
        var x = d.x + d.y + d.z + d.w;
        if (jj >= nValid) { x = negInf(); }
        s[jj] = x;
        mt = max(mt, x);
      }
      let mNew = max(m, mt);
      let alpha = exp(m - mNew);
      var ps = 0.0;
      for (var c = 0u; c < ${DV}u; c++) { o[c] = o[c] * alpha; }
      for (var jj = 0u; jj < ${TK}u; jj++) {
        let p = exp(s[jj] - mNew);
        ps += p;
        for (var c = 0u; c < ${DV}u; c++) { o[c] = fma(vec4<f32>(p), Vs[jj * ${DV}u + c], o[c]); }
      }
      l = l * alpha + ps;
      m = mNew;
    }
  }
  if (live) {
    for (var c = 0u; c < ${DV}u; c++) { O[row * ${DV}u + c] = vec4<${t}>(o[c] / l); }
    LSE[row] = m + log(l);
  }
}`;
}

export const attention: GpuKernel<'attention'> = (
  ctx,
  { inputs: { q, k, v }, outputs: { o, lse }, attrs },
) => {
  const t = wgslType(ctx, 'attention', q.dtype);
  const a = attentionParams('attention', q, k, attrs.causal, attrs.scale, 'q');
  if (a.rows === 0) return;
  const tk = tiledKeys(a.D, ctx.caps.maxWorkgroupStorage);
  if (tk > 0) {
    const code = tiledForwardWGSL(t, a.D, tk);
    const groups = a.B * a.H * Math.ceil(a.T / TILE_Q);
    ctx.dispatch('attention', code, [q, k, v, o, lse], grid1d(groups, 1), a.params);
    return;
  }
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ATT_REDUCE_WGSL}
@group(0) @binding(1) var<storage, read> Q: array<${t}>;
@group(0) @binding(2) var<storage, read> K: array<${t}>;
@group(0) @binding(3) var<storage, read> V: array<${t}>;
@group(0) @binding(4) var<storage, read_write> O: array<${t}>;
@group(0) @binding(5) var<storage, read_write> LSE: array<f32>;
var<workgroup> qs: array<f32, ${MAX_HEAD_DIM}>;
var<workgroup> ps: array<f32, ${ATT_WG}>;
@compute @workgroup_size(${ATT_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${Q_ROW_WGSL}
  for (var c = lid; c < D; c += ${ATT_WG}u) { qs[c] = f32(Q[qBase + c]) * scale; }
  workgroupBarrier();
  var limit = S;
  if (pu(7u) == 1u) { limit = min(S, tq + (S - T) + 1u); }
  var m = negInf();
  var l = 0.0;
  var acc: array<f32, ${U}>;
  for (var j0 = 0u; j0 < limit; j0 += ${ATT_WG}u) {
    let j = j0 + lid;
    var s = negInf();
    if (j < limit) {
      var dot = 0.0;
      let kr = kBase + j * D;
      for (var c = 0u; c < D; c++) { dot = fma(qs[c], f32(K[kr + c]), dot); }
      s = dot;
    }
    let mNew = max(m, wgMax(s, lid));
    var p = 0.0;
    if (j < limit) { p = exp(s - mNew); }
    ps[lid] = p;
    let alpha = exp(m - mNew);
    l = l * alpha + wgSum(p, lid);
    let nb = min(${ATT_WG}u, limit - j0);
    for (var u = 0u; u < ${U}u; u++) {
      let c = lid + u * ${ATT_WG}u;
      if (c < D) {
        var sum = acc[u] * alpha;
        for (var jj = 0u; jj < nb; jj++) { sum = fma(ps[jj], f32(V[kBase + (j0 + jj) * D + c]), sum); }
        acc[u] = sum;
      }
    }
    m = mNew;
    workgroupBarrier();
  }
  for (var u = 0u; u < ${U}u; u++) {
    let c = lid + u * ${ATT_WG}u;
    if (c < D) { O[qBase + c] = ${t}(acc[u] / l); }
  }
  if (lid == 0u) { LSE[row] = m + log(l); }
}`;
  ctx.dispatch('attention', code, [q, k, v, o, lse], grid1d(a.rows, 1), a.params);
};
