/**
 * `sampleTokens` on the device: logits (B,V) → one id per row, so only B ids are read back. The
 * filters and the choice are those defined in `sampling/filters.ts` and `sampling/pick.ts` (HF order:
 * temperature → top-k → top-p → min-p, one Philox uniform per row, first kept token in vocabulary
 * order whose running kept mass exceeds u·Σ kept); the WebGPU tests check this kernel against them.
 *
 * One 256-thread workgroup per row. Sorting a 50k vocabulary in a workgroup is slow, but top-k and
 * top-p keep a *prefix* of the order (p desc, index asc), and a prefix is fully described by a
 * threshold value τ plus how many ties at τ it keeps. τ is found by bisection on the bit pattern of
 * p (non-negative floats order like their u32 bits), each step one parallel count/sum over the row:
 *   top-k: τ = the largest value with #{p ≥ τ} ≥ k (the k-th largest p); every tie at τ stays;
 *   top-p: the smallest τ with Σ_{p > τ} p < topP·(mass kept by top-k); the i-th tie at τ stays while
 *          Σ_{p > τ} p + i·τ < topP·mass (the definition's "mass before it < topP" test);
 *   min-p: keep (logit − max logit)/T ≥ ln minP, i.e. p ≥ minP·max p.
 * The draw then walks the row in vocabulary order: each thread takes a contiguous chunk, the chunk
 * masses are prefix-summed, and the thread whose chunk crosses u·Σ walks it element by element.
 *
 * A row that cannot be sampled (a NaN or +Infinity logit, or no logit above −Infinity) gets the id
 * NON_FINITE_ROW (−1) instead: the first pass over the row (the argmax) flags a non-finite bit
 * pattern in a workgroup atomic, so the caller learns of it from the ids it reads anyway.
 *
 * Params: 0 rows, 1 V, 2 1/temperature, 3 topK (0 = off), 4 topP, 5 minP, 6-7 seed, 8-9 offset.
 */
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { enables, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';
import { PHILOX_WGSL, splitU64 } from './philox-wgsl.js';
import { ROW_ENTRY_ARGS, ROW_INDEX, ROW_REDUCE_WGSL } from './row-wgsl.js';

export const sampleTokens: GpuKernel<'sampleTokens'> = (
  ctx,
  { inputs: { logits }, outputs: { ids }, attrs },
) => {
  const t = wgslType(ctx, 'sampleTokens', logits.dtype);
  const [B, V] = logits.shape as [number, number];
  if (B === 0) return;
  const greedy = attrs.temperature === 0 || V === 1;
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}${ROW_REDUCE_WGSL}${PHILOX_WGSL}
@group(0) @binding(1) var<storage, read> L: array<${t}>;
@group(0) @binding(2) var<storage, read_write> IDS: array<i32>;
var<workgroup> bestV: array<f32, 256>;
var<workgroup> bestI: array<u32, 256>;
var<workgroup> chunkMass: array<f32, 256>;
var<workgroup> chunkTies: array<u32, 256>;
var<workgroup> lastKept: array<i32, 256>;
var<workgroup> picked: i32;
var<workgroup> base: u32;
var<workgroup> V: u32;
var<workgroup> m: f32;
var<workgroup> invTotal: f32;
var<workgroup> tau: f32;
var<workgroup> nTies: u32;
var<workgroup> cut: f32;
var<workgroup> nonFinite: atomic<u32>;

// NaN or +Infinity (exponent all ones, and not the -Infinity of a removed token), from the bits.
fn badBits(v: f32) -> bool {
  let b = bitcast<u32>(v);
  return (b & 0x7f800000u) == 0x7f800000u && b != 0xff800000u;
}
// Lid 0 after a barrier: the id of a row that cannot be sampled is NON_FINITE_ROW (-1).
fn rowId(id: i32) -> i32 {
  let noneAlive = bitcast<u32>(bestV[0]) == 0xff800000u;
  return select(id, -1, atomicLoad(&nonFinite) != 0u || noneAlive);
}

fn pOf(c: u32) -> f32 { return exp((f32(L[base + c]) - m) * pf(2u)) * invTotal; }
fn countGE(x: f32, lid: u32) -> f32 {
  var n = 0.0;
  for (var c = lid; c < V; c += 256u) { if (pOf(c) >= x) { n += 1.0; } }
  return wgSum(n, lid);
}
fn massGE(x: f32, lid: u32) -> f32 {
  var s = 0.0;
  for (var c = lid; c < V; c += 256u) { let p = pOf(c); if (p >= x) { s += p; } }
  return wgSum(s, lid);
}
fn massGT(x: f32, lid: u32) -> f32 {
  var s = 0.0;
  for (var c = lid; c < V; c += 256u) { let p = pOf(c); if (p > x) { s += p; } }
  return wgSum(s, lid);
}

@compute @workgroup_size(256)
fn main(${ROW_ENTRY_ARGS}) {
  ${ROW_INDEX}
  if (lid == 0u) { V = pu(1u); base = row * pu(1u); }
  workgroupBarrier();
  // Greedy pick: argmax, first index on ties.
  var bv = negInf();
  var bi = 0xffffffffu;
  for (var c = lid; c < V; c += 256u) {
    let v = f32(L[base + c]);
    if (badBits(v)) { atomicStore(&nonFinite, 1u); }
    if (bi == 0xffffffffu || v > bv) { bv = v; bi = c; }
  }
  bestV[lid] = bv;
  bestI[lid] = bi;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s / 2u) {
    if (lid < s) {
      let ov = bestV[lid + s];
      let oi = bestI[lid + s];
      if (oi != 0xffffffffu && (bestI[lid] == 0xffffffffu || ov > bestV[lid] || (ov == bestV[lid] && oi < bestI[lid]))) {
        bestV[lid] = ov;
        bestI[lid] = oi;
      }
    }
    workgroupBarrier();
  }
  let best = bestI[0];
${
  greedy
    ? '  if (lid == 0u) { IDS[row] = rowId(i32(best)); }\n}'
    : /* wgsl */ `
  if (lid == 0u) { m = bestV[0]; }
  workgroupBarrier();
  var e = 0.0;
  for (var c = lid; c < V; c += 256u) { e += exp((f32(L[base + c]) - m) * pf(2u)); }
  let total = wgSum(e, lid);
  if (lid == 0u) { invTotal = 1.0 / total; tau = 0.0; nTies = 0xffffffffu; cut = 0.0; }
  workgroupBarrier();
  let pmax = pOf(best);
  // Current prefix: p > tau, plus the first nTies elements equal to tau (0xffffffff = all of them).
  var pTau = 0.0;
  var pTies = 0xffffffffu;
  var keptMass = 1.0;
  let K = pu(3u);
  if (K > 0u && K < pu(1u)) {
    var lo = 0u;            // #{p >= bits lo} >= K holds at 0
    var hi = 0x3f800001u;   // fails above 1.0
    for (var it = 0u; it < 31u; it++) {
      let mid = lo + (hi - lo) / 2u;
      let ok = countGE(bitcast<f32>(mid), lid) >= f32(K);
      lo = select(lo, mid, ok && hi - lo > 1u);
      hi = select(hi, mid, !ok && hi - lo > 1u);
    }
    pTau = bitcast<f32>(lo);
    keptMass = massGE(pTau, lid);
  }
  let topP = pf(4u);
  if (topP < 1.0) {
    let pTarget = topP * keptMass;
    var lo = 0u;            // massGT(bits) >= target (assumed at 0)
    var hi = 0x3f800000u;   // massGT(1.0) = 0 < target
    for (var it = 0u; it < 31u; it++) {
      let mid = lo + (hi - lo) / 2u;
      let ok = massGT(bitcast<f32>(mid), lid) < pTarget;
      hi = select(hi, mid, ok && hi - lo > 1u);
      lo = select(lo, mid, !ok && hi - lo > 1u);
    }
    let tP = bitcast<f32>(hi);
    let above = massGT(tP, lid);
    // ties i = 0,1,... at tP stay while above + i·tP < target
    var nP = 0u;
    if (tP > 0.0) { nP = u32(max(0.0, ceil((pTarget - above) / tP))); }
    if (pTarget <= above) { nP = 0u; }
    nP = max(nP, 0u);
    // Intersect with the top-k prefix (both are prefixes of one order).
    if (tP > pTau || (tP == pTau && nP < pTies)) { pTau = tP; pTies = nP; }
    // The first element is always kept.
    if (pTau > pmax || (pTau == pmax && pTies == 0u)) { pTau = pmax; pTies = 1u; }
  }
  // min-p in score space: (logit − max)/T ≥ ln minP (off when minP ≤ 0)
  let minP = pf(5u);
  let useMinP = minP > 0.0;
  let lnMinP = log(max(minP, 1e-30));
  // Tie ranks: chunked, in vocabulary order.
  let chunk = (V + 255u) / 256u;
  let c0 = min(V, lid * chunk);
  let c1 = min(V, c0 + chunk);
  var ties = 0u;
  for (var c = c0; c < c1; c++) { if (pOf(c) == pTau) { ties += 1u; } }
  chunkTies[lid] = ties;
  workgroupBarrier();
  if (lid == 0u) {
    var acc = 0u;
    for (var k = 0u; k < 256u; k++) { let v = chunkTies[k]; chunkTies[k] = acc; acc += v; }
  }
  workgroupBarrier();
  var rank = chunkTies[lid];
  var mass = 0.0;
  var last = -1;
  for (var c = c0; c < c1; c++) {
    let p = pOf(c);
    var keep = p > pTau;
    if (p == pTau) { keep = pTies == 0xffffffffu || rank < pTies; rank += 1u; }
    if (keep && (!useMinP || (f32(L[base + c]) - m) * pf(2u) >= lnMinP)) { mass += p; last = i32(c); }
  }
  chunkMass[lid] = mass;
  lastKept[lid] = last;
  workgroupBarrier();
  if (lid == 0u) {
    var acc = 0.0;
    var lastAll = -1;
    for (var k = 0u; k < 256u; k++) {
      let v = chunkMass[k];
      chunkMass[k] = acc;
      acc += v;
      lastAll = max(lastAll, lastKept[k]);
    }
    cut = acc;               // total kept mass
    picked = lastAll;        // fallback: the last kept token
  }
  workgroupBarrier();
  let bits = philoxBlock(vec2<u32>(pu(6u), pu(7u)), vec2<u32>(pu(8u), pu(9u)), row / 4u);
  let u = bitsToUniform(bits[row % 4u]);
  let goal = u * cut;
  var run = chunkMass[lid];
  rank = chunkTies[lid];
  var found = -1;
  if (run <= goal) {
    for (var c = c0; c < c1; c++) {
      let p = pOf(c);
      var keep = p > pTau;
      if (p == pTau) { keep = pTies == 0xffffffffu || rank < pTies; rank += 1u; }
      if (keep && (!useMinP || (f32(L[base + c]) - m) * pf(2u) >= lnMinP)) {
        run += p;
        if (run > goal) { found = i32(c); break; }
      }
    }
  }
  lastKept[lid] = found;
  workgroupBarrier();
  if (lid == 0u) {
    var pick = picked;
    for (var k = 0u; k < 256u; k++) { if (lastKept[k] >= 0) { pick = lastKept[k]; break; } }
    IDS[row] = rowId(pick);
  }
}`
}`;
  const [s0, s1] = splitU64(attrs.seed);
  const [o0, o1] = splitU64(attrs.offset);
  const params = new Params()
    .u32(B)
    .u32(V)
    .f32(greedy ? 1 : 1 / attrs.temperature)
    .u32(attrs.topK)
    .f32(attrs.topP)
    .f32(attrs.minP)
    .u32(s0)
    .u32(s1)
    .u32(o0)
    .u32(o1);
  ctx.dispatch('sampleTokens', code, [logits, ids], grid1d(B, 1), params.buffer);
};
