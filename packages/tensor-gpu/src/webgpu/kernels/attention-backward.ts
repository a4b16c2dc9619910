/**
 * `attentionBackward`, flash-style (p recomputed from the saved lse), in two deterministic passes
 * without atomics. With p_ij = exp(scale·q_i·k_j − lse_i), dp_ij = dout_i·v_j,
 * δ_i = dout_i·o_i and ds_ij = p_ij·(dp_ij − δ_i):
 *
 * 1. per query row i (64 threads): δ_i (saved to a scratch buffer), then over key blocks
 *    dq_i = scale · Σ_j ds_ij k_j;
 * 2. per key row j of KV head g (64 threads): over every query head h of the group and every query
 *    row i that sees j (causal: i ≥ j − (S − T)), in blocks of 64 queries:
 *    dv_j = Σ p_ij dout_i,  dk_j = scale · Σ ds_ij q_i.
 * Each output element is written by exactly one thread, with sums in a fixed order.
 *
 * For D a multiple of 4 and ≤ 128 the same two passes run tiled, one thread per row (see
 * attention.ts): pass 1 keeps q, dout and dq of its query row in registers and walks K/V tiles of 32
 * rows in workgroup memory; pass 2 keeps k, v, dk, dv of its key row in registers and walks tiles of
 * 32 query rows (q, dout, lse, δ) of every query head of its KV group.
 */
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL } from '../wgsl.js';
import { ATT_REDUCE_WGSL, ATT_WG, attentionParams, MAX_HEAD_DIM, Q_ROW_WGSL } from './attention-wgsl.js';
import { ROW_ENTRY_ARGS } from './row-wgsl.js';

const U = MAX_HEAD_DIM / ATT_WG;

const TQ = 64; // rows (threads) per workgroup
/**
 * Rows per staged tile: 32, or 16 where two 32-row tiles of D floats (plus two rows of stats) would
 * not fit the workgroup storage (D = 128 on llvmpipe's 32 KiB).
 */
function tileRows(D: number, maxStorage: number): number {
  return 2 * 32 * D * 4 + 2 * 32 * 4 <= maxStorage ? 32 : 16;
}

const LOAD4 = (buf: string, i: string) =>
  `vec4<f32>(f32(${buf}[${i}]), f32(${buf}[${i} + 1u]), f32(${buf}[${i} + 2u]), f32(${buf}[${i} + 3u]))`;

/** Pass 1, tiled: δ and dq, one thread per query row. */
function tiledQRowsWGSL(t: string, D: number, TK: number): string {
  const D4 = D / 4;
  return /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> Q: array<${t}>;
@group(0) @binding(2) var<storage, read> K: array<${t}>;
@group(0) @binding(3) var<storage, read> V: array<${t}>;
@group(0) @binding(4) var<storage, read> O: array<${t}>;
@group(0) @binding(5) var<storage, read> LSE: array<f32>;
@group(0) @binding(6) var<storage, read> DO: array<${t}>;
@group(0) @binding(7) var<storage, read_write> DQ: array<${t}>;
@group(0) @binding(8) var<storage, read_write> DELTA: array<f32>;
var<workgroup> Ks: array<vec4<f32>, ${TK * D4}>;
var<workgroup> Vs: array<vec4<f32>, ${TK * D4}>;
@compute @workgroup_size(${TQ})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let H = pu(2u); let Hkv = pu(3u); let T = pu(4u); let S = pu(5u);
  let blocks = (T + ${TQ - 1}u) / ${TQ}u;
  let w = wg.x + wg.y * nwg.x;
  if (w >= pu(1u) * H * blocks) { return; }
  let blk = w % blocks;
  let bh = w / blocks;
  let h = bh % H;
  let b = bh / H;
  let kvh = h / (H / Hkv);
  let kBase = (b * Hkv + kvh) * S * ${D}u;
  let tq = blk * ${TQ}u + lid;
  let valid = tq < T;
  let row = bh * T + min(tq, T - 1u);
  let qBase = row * ${D}u;
  let scale = pf(8u);
  let causal = pu(7u) == 1u;
  var q: array<vec4<f32>, ${D4}>;
  var g: array<vec4<f32>, ${D4}>;
  var dq: array<vec4<f32>, ${D4}>;
  var delta = 0.0;
  for (var c = 0u; c < ${D4}u; c++) {
    let i = qBase + c * 4u;
    q[c] = ${LOAD4('Q', 'i')} * scale;
    g[c] = ${LOAD4('DO', 'i')};
    delta += dot(g[c], ${LOAD4('O', 'i')});
  }
  let L = LSE[row];
  var myEnd = S;
  var kEnd = S;
  if (causal) {
    myEnd = min(S, tq + (S - T) + 1u);
    kEnd = min(S, min(T, (blk + 1u) * ${TQ}u) + (S - T));
  }
  for (var j0 = 0u; j0 < kEnd; j0 += ${TK}u) {
    for (var idx = lid; idx < ${TK * D4}u; idx += ${TQ}u) {
      let gi = kBase + min(j0 + idx / ${D4}u, S - 1u) * ${D}u + (idx % ${D4}u) * 4u;
      Ks[idx] = ${LOAD4('K', 'gi')};
      Vs[idx] = ${LOAD4('V', 'gi')};
    }
    workgroupBarrier();
    for (var jj = 0u; jj < ${TK}u; jj++) {
      if (j0 + jj < myEnd) {
        var sc = 0.0;
        var dp = 0.0;
        for (var c = 0u; c < ${D4}u; c++) {
          sc += dot(q[c], Ks[jj * ${D4}u + c]);
          dp += dot(g[c], Vs[jj * ${D4}u + c]);
        }
        let ds = exp(sc - L) * (dp - delta);
        for (var c = 0u; c < ${D4}u; c++) { dq[c] = fma(vec4<f32>(ds), Ks[jj * ${D4}u + c], dq[c]); }
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    DELTA[row] = delta;
    for (var c = 0u; c < ${D4}u; c++) {
      let r = dq[c] * scale;
      let i = qBase + c * 4u;
      DQ[i] = ${t}(r.x); DQ[i + 1u] = ${t}(r.y); DQ[i + 2u] = ${t}(r.z); DQ[i + 3u] = ${t}(r.w);
    }
  }
}`;
}

/** Pass 2, tiled: dk and dv, one thread per key row. */
function tiledKRowsWGSL(t: string, D: number, TK: number): string {
  const D4 = D / 4;
  return /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> Q: array<${t}>;
@group(0) @binding(2) var<storage, read> K: array<${t}>;
@group(0) @binding(3) var<storage, read> V: array<${t}>;
@group(0) @binding(4) var<storage, read> LSE: array<f32>;
@group(0) @binding(5) var<storage, read> DO: array<${t}>;
@group(0) @binding(6) var<storage, read> DELTA: array<f32>;
@group(0) @binding(7) var<storage, read_write> DK: array<${t}>;
@group(0) @binding(8) var<storage, read_write> DV: array<${t}>;
var<workgroup> Qs: array<vec4<f32>, ${TK * D4}>;
var<workgroup> Gs: array<vec4<f32>, ${TK * D4}>;
var<workgroup> Ls: array<f32, ${TK}>;
var<workgroup> Ds: array<f32, ${TK}>;
@compute @workgroup_size(${TQ})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let H = pu(2u); let Hkv = pu(3u); let T = pu(4u); let S = pu(5u);
  let blocks = (S + ${TQ - 1}u) / ${TQ}u;
  let w = wg.x + wg.y * nwg.x;
  if (w >= pu(1u) * Hkv * blocks) { return; }
  let blk = w % blocks;
  let bg = w / blocks;
  let gk = bg % Hkv;
  let b = bg / Hkv;
  let j = blk * ${TQ}u + lid;
  let valid = j < S;
  let kBase = (bg * S + min(j, S - 1u)) * ${D}u;
  let scale = pf(8u);
  let causal = pu(7u) == 1u;
  var kr: array<vec4<f32>, ${D4}>;
  var vr: array<vec4<f32>, ${D4}>;
  var dk: array<vec4<f32>, ${D4}>;
  var dv: array<vec4<f32>, ${D4}>;
  for (var c = 0u; c < ${D4}u; c++) {
    let i = kBase + c * 4u;
    kr[c] = ${LOAD4('K', 'i')};
    vr[c] = ${LOAD4('V', 'i')};
  }
  // Query t sees key j when t ≥ j − (S − T): this thread's first query, and the block's (uniform).
  var myStart = 0u;
  var tStart = 0u;
  if (causal) {
    if (j + T > S) { myStart = j + T - S; }
    let j0b = blk * ${TQ}u;
    if (j0b + T > S) { tStart = j0b + T - S; }
  }
  tStart = min(tStart, T);
  let group = H / Hkv;
  for (var hh = 0u; hh < group; hh++) {
    let qHead = (b * H + gk * group + hh) * T;
    for (var i0 = tStart; i0 < T; i0 += ${TK}u) {
      for (var idx = lid; idx < ${TK * D4}u; idx += ${TQ}u) {
        let gi = (qHead + min(i0 + idx / ${D4}u, T - 1u)) * ${D}u + (idx % ${D4}u) * 4u;
        Qs[idx] = ${LOAD4('Q', 'gi')};
        Gs[idx] = ${LOAD4('DO', 'gi')};
      }
      if (lid < ${TK}u) {
        let r = qHead + min(i0 + lid, T - 1u);
        Ls[lid] = LSE[r];
        Ds[lid] = DELTA[r];
      }
      workgroupBarrier();
      for (var ii = 0u; ii < ${TK}u; ii++) {
        let ti = i0 + ii;
        if (ti < T && ti >= myStart) {
          var sc = 0.0;
          var dp = 0.0;
          for (var c = 0u; c < ${D4}u; c++) {
            sc += dot(Qs[ii * ${D4}u + c], kr[c]);
            dp += dot(Gs[ii * ${D4}u + c], vr[c]);
          }
          let p = exp(sc * scale - Ls[ii]);
          let ds = p * (dp - Ds[ii]);
          for (var c = 0u; c < ${D4}u; c++) {
            dv[c] = fma(vec4<f32>(p), Gs[ii * ${D4}u + c], dv[c]);
            dk[c] = fma(vec4<f32>(ds), Qs[ii * ${D4}u + c], dk[c]);
          }
        }
      }
      workgroupBarrier();
    }
  }
  if (valid) {
    for (var c = 0u; c < ${D4}u; c++) {
      let i = kBase + c * 4u;
      let rk = dk[c] * scale;
      let rv = dv[c];
      DK[i] = ${t}(rk.x); DK[i + 1u] = ${t}(rk.y); DK[i + 2u] = ${t}(rk.z); DK[i + 3u] = ${t}(rk.w);
      DV[i] = ${t}(rv.x); DV[i + 1u] = ${t}(rv.y); DV[i + 2u] = ${t}(rv.z); DV[i + 3u] = ${t}(rv.w);
    }
  }
}`;
}

export const attentionBackward: GpuKernel<'attentionBackward'> = (
  ctx,
  { inputs: { q, k, v, o, lse, dout }, outputs: { dq, dk, dv }, attrs },
) => {
  const t = wgslType(ctx, 'attentionBackward', q.dtype);
  const aq = attentionParams('attentionBackward', q, k, attrs.causal, attrs.scale, 'q');
  const ak = attentionParams('attentionBackward', q, k, attrs.causal, attrs.scale, 'k');
  if (aq.D % 4 === 0 && aq.D <= 128 && aq.S > 0 && aq.T > 0) {
    const delta = ctx.scratch(Math.max(4, aq.rows * 4));
    const d = { buffer: delta.buffer };
    const gq = aq.B * aq.H * Math.ceil(aq.T / TQ);
    ctx.dispatch(
      'attentionBackward',
      tiledQRowsWGSL(t, aq.D, tileRows(aq.D, ctx.caps.maxWorkgroupStorage)),
      [q, k, v, o, lse, dout, dq, d],
      grid1d(gq, 1),
      aq.params,
    );
    const gk = aq.B * aq.Hkv * Math.ceil(aq.S / TQ);
    ctx.dispatch(
      'attentionBackward',
      tiledKRowsWGSL(t, aq.D, tileRows(aq.D, ctx.caps.maxWorkgroupStorage)),
      [q, k, v, lse, dout, d, dk, dv],
      grid1d(gk, 1),
      ak.params,
    );
    return;
  }
  const header = `${enables(t)}${PARAMS_WGSL}${ATT_REDUCE_WGSL}`;
  const qRows = /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> Q: array<${t}>;
@group(0) @binding(2) var<storage, read> K: array<${t}>;
@group(0) @binding(3) var<storage, read> V: array<${t}>;
@group(0) @binding(4) var<storage, read> O: array<${t}>;
@group(0) @binding(5) var<storage, read> LSE: array<f32>;
@group(0) @binding(6) var<storage, read> DO: array<${t}>;
@group(0) @binding(7) var<storage, read_write> DQ: array<${t}>;
@group(0) @binding(8) var<storage, read_write> DELTA: array<f32>;
var<workgroup> qs: array<f32, ${MAX_HEAD_DIM}>;
var<workgroup> dos: array<f32, ${MAX_HEAD_DIM}>;
var<workgroup> dss: array<f32, ${ATT_WG}>;
@compute @workgroup_size(${ATT_WG})
fn main(${ROW_ENTRY_ARGS}) {
  ${Q_ROW_WGSL}
  var part = 0.0;
  for (var c = lid; c < D; c += ${ATT_WG}u) {
    qs[c] = f32(Q[qBase + c]) * scale;
    let g = f32(DO[qBase + c]);
    dos[c] = g;
    part += g * f32(O[qBase + c]);
  }
  let delta = wgSum(part, lid);
  if (lid == 0u) { DELTA[row] = delta; }
  let L = LSE[row];
  var limit = S;
  if (pu(7u) == 1u) { limit = min(S, tq + (S - T) + 1u); }
  var acc: array<f32, ${U}>;
  for (var j0 = 0u; j0 < limit; j0 += ${ATT_WG}u) {
    let j = j0 + lid;
    var ds = 0.0;
    if (j < limit) {
      var s = 0.0;
      var dp = 0.0;
      let kr = kBase + j * D;
      for (var c = 0u; c < D; c++) {
        s = fma(qs[c], f32(K[kr + c]), s);
        dp = fma(dos[c], f32(V[kr + c]), dp);
      }
      ds = exp(s - L) * (dp - delta);
    }
    dss[lid] = ds;
    workgroupBarrier();
    let nb = min(${ATT_WG}u, limit - j0);
    for (var u = 0u; u < ${U}u; u++) {
      let c = lid + u * ${ATT_WG}u;
      if (c < D) {
        var sum = acc[u];
        for (var jj = 0u; jj < nb; jj++) { sum = fma(dss[jj], f32(K[kBase + (j0 + jj) * D + c]), sum); }
        acc[u] = sum;
      }
    }
    workgroupBarrier();
  }
  for (var u = 0u; u < ${U}u; u++) {
    let c = lid + u * ${ATT_WG}u;
    if (c < D) { DQ[qBase + c] = ${t}(acc[u] * scale); }
  }
}`;
  const kRows = /* wgsl */ `${header}
@group(0) @binding(1) var<storage, read> Q: array<${t}>;
@group(0) @binding(2) var<storage, read> K: array<${t}>;
@group(0) @binding(3) var<storage, read> V: array<${t}>;
@group(0) @binding(4) var<storage, read> LSE: array<f32>;
@group(0) @binding(5) var<storage, read> DO: array<${t}>;
@group(0) @binding(6) var<storage, read> DELTA: array<f32>;
@group(0) @binding(7) var<storage, read_write> DK: array<${t}>;
@group(0) @binding(8) var<storage, read_write> DV: array<${t}>;
var<workgroup> ks: array<f32, ${MAX_HEAD_DIM}>;
var<workgroup> vs: array<f32, ${MAX_HEAD_DIM}>;
var<workgroup> pss: array<f32, ${ATT_WG}>;
var<workgroup> dss: array<f32, ${ATT_WG}>;
@compute @workgroup_size(${ATT_WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= pu(0u)) { return; }
  let H = pu(2u); let Hkv = pu(3u); let T = pu(4u); let S = pu(5u); let D = pu(6u);
  let j = row % S;
  let bg = row / S;
  let g = bg % Hkv;
  let b = bg / Hkv;
  let kr = row * D;
  let scale = pf(8u);
  for (var c = lid; c < D; c += ${ATT_WG}u) {
    ks[c] = f32(K[kr + c]);
    vs[c] = f32(V[kr + c]);
  }
  workgroupBarrier();
  // Queries that see key j: all of them, or (causal) t ≥ j − (S − T).
  var t0 = 0u;
  if (pu(7u) == 1u && j + T > S) { t0 = j + T - S; }
  let group = H / Hkv;
  var accK: array<f32, ${U}>;
  var accV: array<f32, ${U}>;
  for (var hh = 0u; hh < group; hh++) {
    let h = g * group + hh;
    let qHead = (b * H + h) * T;
    for (var i0 = t0; i0 < T; i0 += ${ATT_WG}u) {
      let i = i0 + lid;
      var p = 0.0;
      var ds = 0.0;
      if (i < T) {
        let qr = (qHead + i) * D;
        var s = 0.0;
        var dp = 0.0;
        for (var c = 0u; c < D; c++) {
          s = fma(f32(Q[qr + c]), ks[c], s);
          dp = fma(f32(DO[qr + c]), vs[c], dp);
        }
        p = exp(s * scale - LSE[qHead + i]);
        ds = p * (dp - DELTA[qHead + i]);
      }
      pss[lid] = p;
      dss[lid] = ds;
      workgroupBarrier();
      let nb = min(${ATT_WG}u, T - i0);
      for (var u = 0u; u < ${U}u; u++) {
        let c = lid + u * ${ATT_WG}u;
        if (c < D) {
          var sv = accV[u];
          var sk = accK[u];
          for (var ii = 0u; ii < nb; ii++) {
            let qr = (qHead + i0 + ii) * D + c;
            sv = fma(pss[ii], f32(DO[qr]), sv);
            sk = fma(dss[ii], f32(Q[qr]), sk);
          }
          accV[u] = sv;
          accK[u] = sk;
        }
      }
      workgroupBarrier();
    }
  }
  for (var u = 0u; u < ${U}u; u++) {
    let c = lid + u * ${ATT_WG}u;
    if (c < D) {
      DK[kr + c] = ${t}(accK[u] * scale);
      DV[kr + c] = ${t}(accV[u]);
    }
  }
}`;
  const delta = ctx.scratch(Math.max(4, aq.rows * 4));
  if (aq.rows > 0) {
    ctx.dispatch(
      'attentionBackward',
      qRows,
      [q, k, v, o, lse, dout, dq, { buffer: delta.buffer }],
      grid1d(aq.rows, 1),
      aq.params,
    );
  }
  if (ak.rows > 0) {
    ctx.dispatch(
      'attentionBackward',
      kRows,
      [q, k, v, lse, dout, { buffer: delta.buffer }, dk, dv],
      grid1d(ak.rows, 1),
      ak.params,
    );
  }
};
