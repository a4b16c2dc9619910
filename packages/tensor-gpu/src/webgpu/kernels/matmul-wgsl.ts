/**
 * WGSL generators for matrix multiplication, C[b] = op(A[b]) · op(B[b]) with op = identity or
 * transpose, batched with broadcast batch dimensions (up to 4).
 *
 * Two kernels:
 *
 * 1. `tiledMatmulWGSL`: the fast path for big shapes. A workgroup of 16×16 threads computes a
 *    T×T block of C (T = 64·g, g = 1 or 2); each thread owns a (4g)×(4g) sub-block, held in
 *    registers as vec4s. The K dimension is walked BK columns at a time: the workgroup copies a T×BK
 *    slab of A and a BK×T slab of B into workgroup memory (converted to f32, laid out k-major so a
 *    thread reads 4 consecutive rows/cols as one vec4), then every thread does (4g)² · BK FMAs from
 *    it. Thread (tx, ty) owns rows {ty·4 .. ty·4+3} + 64·gi and cols {tx·4 .. tx·4+3} + 64·gj, so the
 *    16 threads of a row read 16 consecutive vec4s (no bank conflicts).
 *    With `doubleBuffer` the next slab is fetched from global memory into registers while the
 *    current one is multiplied, and stored into the other half of a 2× workgroup buffer: one barrier
 *    per slab instead of two.
 *    Worked size example, T = 128, BK = 8: per slab 2·128·8 = 2048 loads feed 128·128·8 = 131072 FMAs.
 * 2. `simpleMatmulWGSL`: one thread per output element, a plain dot product. For small, skinny
 *    (decode-time M = 1) or odd shapes where a 128×128 block would leave most threads idle.
 *
 * Parameters (words): 0 M, 1 N, 2 K, 3 batch rank r, 4..7 output batch dims, 8..11 A batch strides
 * (elements, 0 where A broadcasts), 12..15 B batch strides. C is contiguous (batch, M, N).
 */
import { enables, PARAMS_WGSL } from '../wgsl.js';

/** Options of the tiled matmul generator. */
export interface TiledMatmulOptions {
  /** Storage type of A, B and C (accumulation is always f32). */
  dtype: 'f32' | 'f16';
  transA: boolean;
  transB: boolean;
  /** 1 → 64×64 blocks (4×4 per thread), 2 → 128×128 blocks (8×8 per thread). */
  g: 1 | 2;
  /** K-slab width: 8, 16 or 32. */
  bk: 8 | 16 | 32;
  /** Skip bounds checks: M and N multiples of 64·g, K a multiple of bk. */
  aligned: boolean;
  /** Register prefetch + double-buffered workgroup memory. */
  doubleBuffer: boolean;
  /**
   * Load A and B as vec4 (128-bit) from global memory; only with `aligned` (then M, N, K are
   * multiples of 4). Vectors run along the operand's contiguous axis: along k for A (B transposed),
   * stored as 4 scalars; along m (n) otherwise, stored as one vec4 into workgroup memory.
   */
  vec4?: boolean;
  /** Grouped (L2-friendly) order of the output blocks instead of raster order. */
  swizzle?: boolean;
  /**
   * Single workgroup buffer with register prefetch: the next slab's global loads are issued before
   * the current slab is multiplied (their latency hides behind the FMAs), with no branch and a
   * constant workgroup base; the last iteration re-reads the last slab instead of branching.
   * Ignored with `doubleBuffer`.
   */
  prefetch?: boolean;
  /**
   * Pad each k-row of the workgroup slabs by one vec4 (stride T/4 + 1): the scalar stores of a
   * k-contiguous operand then hit 2 banks per 4 k-rows instead of 1 (4-way → 2-way conflicts).
   */
  pad?: boolean;
}

/** vec4 load plan of one operand: global vec4 index expression and the workgroup stores of it. */
function vec4Plan(
  name: 'A' | 'B',
  kMajor: boolean,
  tile: number,
  bk: number,
  index: (row: string, k: string) => string,
  base0: string,
  stride: number,
): Array<{ load: string; store: (base: string, reg: string) => string[] }> {
  const nvec = (tile * bk) / 1024;
  const V = tile / 4;
  const S = stride;
  const plan: Array<{ load: string; store: (base: string, reg: string) => string[] }> = [];
  for (let i = 0; i < nvec; i++) {
    const v = `(li + ${256 * i}u)`;
    if (kMajor) {
      const row = `(${v} / ${bk / 4}u)`;
      const kq = `((${v} % ${bk / 4}u) * 4u)`;
      plan.push({
        load: `${name}[(${base0} + ${index(row, `k0 + ${kq}`)}) / 4u]`,
        store: (base, reg) =>
          [0, 1, 2, 3].map(
            (c) => `${name}s[${base} + (${kq} + ${c}u) * ${S}u + ${row} / 4u][${row} % 4u] = ${reg}[${c}];`,
          ),
      });
    } else {
      const k = `(${v} / ${V}u)`;
      const r4 = `(${v} % ${V}u)`;
      plan.push({
        load: `${name}[(${base0} + ${index(`${r4} * 4u`, `k0 + ${k}`)}) / 4u]`,
        store: (base, reg) => [`${name}s[${base} + ${k} * ${S}u + ${r4}] = ${reg};`],
      });
    }
  }
  return plan;
}

const BATCH_WGSL = /* wgsl */ `
fn batchOffsets(z: u32) -> vec3<u32> {
  // z → (A offset, B offset, C offset) through the broadcast batch dims (row-major, last fastest).
  let r = pu(3u);
  var rem = z;
  var ao = 0u;
  var bo = 0u;
  for (var d = 0u; d < 4u; d++) {
    let dd = 3u - d;
    if (dd < r) {
      let size = pu(4u + dd);
      let idx = rem % size;
      rem = rem / size;
      ao += idx * pu(8u + dd);
      bo += idx * pu(12u + dd);
    }
  }
  return vec3<u32>(ao, bo, z * pu(0u) * pu(1u));
}
`;

/** Index expression of element (m, k) of A inside its matrix (M×K, or K×M when transposed). */
function aIndex(transA: boolean, m: string, k: string): string {
  return transA ? `(${k}) * M + (${m})` : `(${m}) * K + (${k})`;
}
/** Index expression of element (k, n) of B inside its matrix (K×N, or N×K when transposed). */
function bIndex(transB: boolean, k: string, n: string): string {
  return transB ? `(${n}) * K + (${k})` : `(${k}) * N + (${n})`;
}

/**
 * Load plan for one operand slab: which (row, k) each of the 256 threads reads, chosen so that
 * consecutive threads read consecutive addresses. `kMajor` = the operand is contiguous along k.
 */
function slabLoads(kMajor: boolean, tile: number, bk: number): Array<{ row: string; k: string }> {
  const per = (tile * bk) / 256;
  const out: Array<{ row: string; k: string }> = [];
  if (kMajor) {
    // Contiguous along k: threads of one row read `per` consecutive k's.
    const tpr = bk / per;
    for (let i = 0; i < per; i++)
      out.push({ row: `(li / ${tpr}u)`, k: `((li % ${tpr}u) * ${per}u + ${i}u)` });
  } else {
    // Contiguous along the row index: consecutive threads read consecutive rows.
    const step = 256 / tile;
    for (let i = 0; i < per; i++) out.push({ row: `(li % ${tile}u)`, k: `(li / ${tile}u + ${i * step}u)` });
  }
  return out;
}

/** WGSL of the tiled kernel (see the file comment). Dispatch: (ceil(N/T), ceil(M/T), batch). */
export function tiledMatmulWGSL(o: TiledMatmulOptions): string {
  const T = 64 * o.g;
  const V = T / 4; // vec4s per k-row of a slab
  const S = V + (o.pad ? 1 : 0); // k-row stride in workgroup memory (vec4s)
  const slab = o.bk * S; // vec4s per slab
  const T_ = o.dtype;
  const aLoads = slabLoads(!o.transA, T, o.bk);
  const bLoads = slabLoads(o.transB, T, o.bk);
  const per = aLoads.length;
  const lines: string[] = [];
  const emit = (s: string) => lines.push(s);

  const useVec4 = !!o.vec4 && o.aligned && (T * o.bk) % 1024 === 0;
  const aVec = useVec4
    ? vec4Plan('A', !o.transA, T, o.bk, (row, k) => aIndex(o.transA, `m0 + ${row}`, k), 'aOff', S)
    : [];
  const bVec = useVec4
    ? vec4Plan('B', o.transB, T, o.bk, (row, k) => bIndex(o.transB, k, `n0 + ${row}`), 'bOff', S)
    : [];
  const vecCast = T_ === 'f16' ? 'vec4<f32>' : '';
  // Global → registers (with bounds checks unless aligned).
  const fetch = (dst: string): string[] => {
    if (useVec4) {
      return [
        ...aVec.map((p, i) => `${dst}a${i} = ${vecCast}(${p.load});`),
        ...bVec.map((p, i) => `${dst}b${i} = ${vecCast}(${p.load});`),
      ];
    }
    const out: string[] = [];
    aLoads.forEach((l, i) => {
      const m = `m0 + ${l.row}`;
      const k = `k0 + ${l.k}`;
      const idx = `aOff + ${aIndex(o.transA, m, k)}`;
      out.push(
        o.aligned
          ? `${dst}a${i} = f32(A[${idx}]);`
          : `${dst}a${i} = select(0.0, f32(A[min(${idx}, arrayLength(&A) - 1u)]), ${m} < M && ${k} < K);`,
      );
    });
    bLoads.forEach((l, i) => {
      const n = `n0 + ${l.row}`;
      const k = `k0 + ${l.k}`;
      const idx = `bOff + ${bIndex(o.transB, k, n)}`;
      out.push(
        o.aligned
          ? `${dst}b${i} = f32(B[${idx}]);`
          : `${dst}b${i} = select(0.0, f32(B[min(${idx}, arrayLength(&B) - 1u)]), ${n} < N && ${k} < K);`,
      );
    });
    return out;
  };
  // Registers → workgroup memory at slab base `base` (k-major, vec4 per 4 rows).
  const store = (base: string): string[] => {
    if (useVec4) {
      return [
        ...aVec.flatMap((p, i) => p.store(base, `ra${i}`)),
        ...bVec.flatMap((p, i) => p.store(base, `rb${i}`)),
      ];
    }
    const out: string[] = [];
    aLoads.forEach((l, i) => {
      out.push(`As[${base} + ${l.k} * ${S}u + ${l.row} / 4u][${l.row} % 4u] = ra${i};`);
    });
    bLoads.forEach((l, i) => {
      out.push(`Bs[${base} + ${l.k} * ${S}u + ${l.row} / 4u][${l.row} % 4u] = rb${i};`);
    });
    return out;
  };
  const compute = (base: string): string[] => {
    const out: string[] = [];
    for (let kk = 0; kk < o.bk; kk++) {
      for (let gi = 0; gi < o.g; gi++)
        out.push(`let a${kk}_${gi} = As[${base} + ${kk * S + 16 * gi}u + ty];`);
      for (let gj = 0; gj < o.g; gj++)
        out.push(`let b${kk}_${gj} = Bs[${base} + ${kk * S + 16 * gj}u + tx];`);
      for (let gi = 0; gi < o.g; gi++)
        for (let r = 0; r < 4; r++)
          for (let gj = 0; gj < o.g; gj++) {
            const acc = `c${gi * 4 + r}_${gj}`;
            out.push(`${acc} = fma(vec4<f32>(a${kk}_${gi}[${r}]), b${kk}_${gj}, ${acc});`);
          }
    }
    return out;
  };

  emit(enables(T_));
  emit(PARAMS_WGSL);
  const elem = useVec4 ? `vec4<${T_}>` : T_;
  emit(`@group(0) @binding(1) var<storage, read> A: array<${elem}>;`);
  emit(`@group(0) @binding(2) var<storage, read> B: array<${elem}>;`);
  emit(`@group(0) @binding(3) var<storage, read_write> C: array<${T_}>;`);
  const bufs = o.doubleBuffer ? 2 : 1;
  emit(`var<workgroup> As: array<vec4<f32>, ${slab * bufs}>;`);
  emit(`var<workgroup> Bs: array<vec4<f32>, ${slab * bufs}>;`);
  emit(BATCH_WGSL);
  emit('@compute @workgroup_size(16, 16, 1)');
  emit(
    'fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
  );
  emit('  let M = pu(0u); let N = pu(1u); let K = pu(2u);');
  emit('  let offs = batchOffsets(wg.z); let aOff = offs.x; let bOff = offs.y; let cOff = offs.z;');
  if (o.swizzle) {
    // Grouped order: consecutive workgroups walk 8 block-rows of C column by column, so the A rows
    // and B columns they read are reused from L2 (raster order streams all of B per block-row).
    emit('  let lin = wg.y * nwg.x + wg.x;');
    emit('  let perGroup = 8u * nwg.x;');
    emit('  let firstY = (lin / perGroup) * 8u;');
    emit('  let gsize = min(nwg.y - firstY, 8u);');
    emit('  let by = firstY + (lin % perGroup) % gsize;');
    emit('  let bx = (lin % perGroup) / gsize;');
    emit(`  let m0 = by * ${T}u; let n0 = bx * ${T}u;`);
  } else {
    emit(`  let m0 = wg.y * ${T}u; let n0 = wg.x * ${T}u;`);
  }
  emit('  let tx = lid.x; let ty = lid.y;');
  for (let i = 0; i < 4 * o.g; i++)
    for (let gj = 0; gj < o.g; gj++) emit(`  var c${i}_${gj} = vec4<f32>(0.0);`);
  if (useVec4) {
    for (let i = 0; i < aVec.length; i++) emit(`  var ra${i}: vec4<f32>;`);
    for (let i = 0; i < bVec.length; i++) emit(`  var rb${i}: vec4<f32>;`);
  } else {
    for (let i = 0; i < per; i++) emit(`  var ra${i}: f32; var rb${i}: f32;`);
  }
  emit(`  let nTiles = (K + ${o.bk - 1}u) / ${o.bk}u;`);
  if (o.doubleBuffer) {
    emit('  var k0 = 0u;');
    for (const s of fetch('r')) emit(`  ${s}`);
    for (const s of store('0u')) emit(`  ${s}`);
    emit('  workgroupBarrier();');
    emit('  for (var t = 0u; t < nTiles; t++) {');
    emit(`    let cur = (t % 2u) * ${slab}u;`);
    emit(`    let nxt = ((t + 1u) % 2u) * ${slab}u;`);
    emit(`    k0 = (t + 1u) * ${o.bk}u;`);
    emit('    let more = t + 1u < nTiles;');
    emit('    if (more) {');
    for (const s of fetch('r')) emit(`      ${s}`);
    emit('    }');
    for (const s of compute('cur')) emit(`    ${s}`);
    emit('    if (more) {');
    for (const s of store('nxt')) emit(`      ${s}`);
    emit('    }');
    emit('    workgroupBarrier();');
    emit('  }');
  } else if (o.prefetch) {
    emit('  var k0 = 0u;');
    for (const s of fetch('r')) emit(`  ${s}`);
    emit('  for (var t = 0u; t < nTiles; t++) {');
    for (const s of store('0u')) emit(`    ${s}`);
    emit('    workgroupBarrier();');
    // Next slab (the last one again on the final iteration: in bounds, result unused).
    emit(`    k0 = min(t + 1u, nTiles - 1u) * ${o.bk}u;`);
    for (const s of fetch('r')) emit(`    ${s}`);
    for (const s of compute('0u')) emit(`    ${s}`);
    emit('    workgroupBarrier();');
    emit('  }');
  } else {
    emit('  for (var t = 0u; t < nTiles; t++) {');
    emit(`    let k0 = t * ${o.bk}u;`);
    for (const s of fetch('r')) emit(`    ${s}`);
    for (const s of store('0u')) emit(`    ${s}`);
    emit('    workgroupBarrier();');
    for (const s of compute('0u')) emit(`    ${s}`);
    emit('    workgroupBarrier();');
    emit('  }');
  }
  // Write the (4g)×(4g) block.
  for (let gi = 0; gi < o.g; gi++)
    for (let r = 0; r < 4; r++)
      for (let gj = 0; gj < o.g; gj++) {
        const row = `m0 + ${64 * gi + r}u + ty * 4u`;
        for (let c = 0; c < 4; c++) {
          const col = `n0 + ${64 * gj + c}u + tx * 4u`;
          const st = `C[cOff + (${row}) * N + ${col}] = ${T_}(c${gi * 4 + r}_${gj}[${c}]);`;
          emit(o.aligned ? `  ${st}` : `  if (${row} < M && ${col} < N) { ${st} }`);
        }
      }
  emit('}');
  return lines.join('\n');
}

/** WGSL of the one-thread-per-output kernel. Dispatch: (ceil(N/64), M, batch). */
export function simpleMatmulWGSL(dtype: 'f32' | 'f16', transA: boolean, transB: boolean): string {
  return /* wgsl */ `${enables(dtype)}
${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> A: array<${dtype}>;
@group(0) @binding(2) var<storage, read> B: array<${dtype}>;
@group(0) @binding(3) var<storage, read_write> C: array<${dtype}>;
${BATCH_WGSL}
@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let n = gid.x; let m = gid.y;
  if (m >= M || n >= N) { return; }
  let offs = batchOffsets(gid.z);
  var acc = 0.0;
  for (var k = 0u; k < K; k++) {
    acc = fma(f32(A[offs.x + ${aIndex(transA, 'm', 'k')}]), f32(B[offs.y + ${bIndex(transB, 'k', 'n')}]), acc);
  }
  C[offs.z + m * N + n] = ${dtype}(acc);
}
`;
}
