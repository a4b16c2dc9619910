/**
 * A blocked, packed GEMM in plain TypeScript: `C = A·B` (or `C += A·B`) for one matrix pair.
 *
 * The loop structure is the classic GotoBLAS/BLIS one (five loops around a micro-kernel):
 *
 * ```text
 * for jc in 0..n step NC            // a column panel of B and C (fits L3 / main memory)
 *   for pc in 0..k step KC          // a slice of the shared dimension
 *     pack B[pc:pc+KC, jc:jc+NC] -> bp  (column micro-panels of NR, each KC×NR contiguous)
 *     for ic in 0..m step MC        // a row block of A and C (fits L2)
 *       pack A[ic:ic+MC, pc:pc+KC] -> ap  (row micro-panels of MR, each KC×MR contiguous)
 *       for jr in 0..NC step NR     // one micro-panel of bp (stays in L1)
 *         for ir in 0..MC step MR   // one micro-panel of ap
 *           micro-kernel: a MR×NR block of C += ap(MR×KC) · bp(KC×NR)  (MR·NR accumulators)
 * ```
 *
 * Packing does three jobs at once: it turns transposed or strided operands into unit-stride streams
 * (so `transA`/`transB` cost nothing in the inner loop), it pads ragged edges with zeros (so the
 * micro-kernel never branches), and it converts to Float64Array so the hot loop loads doubles without a
 * float32→float64 conversion per element (measured at 512³: 1.1–1.35× faster than packing into Float32Array in V8).
 *
 * The micro-kernel keeps a 4×8 block of C in 32 local variables; per step of the shared dimension it
 * loads 4 values of A and 8 of B and does 32 multiply-adds, so loads are 12/32 of the work.
 * Worked example (MR=2, NR=2, KC=2): ap = [a00 a10 a01 a11], bp = [b00 b01 b10 b11] gives
 * c00 = a00·b00 + a01·b10, c01 = a00·b01 + a01·b11, c10 = a10·b00 + a11·b10, c11 = a10·b01 + a11·b11.
 *
 * This TypeScript kernel is the reference path and the one for float64 (gradchecks); f32 products of
 * useful size go to the WebAssembly SIMD version of the same scheme (`wasm-gemm.ts`), about 8× faster
 * here (see `docs/cpu-kernels.md`), and skinny ones (fewer than 8 rows: decoding) to a streaming SIMD
 * kernel (`wasm-skinny.ts`); the `implementation` argument (a backend's `gemm` option) picks between TypeScript and WebAssembly.
 *
 * Operands are described by strides, so one routine serves every transpose:
 * `A[i, p] = a[aOffset + i·aRowStride + p·aColStride]` (row-major (m,k): strides (k, 1); transposed
 * storage (k,m): strides (1, m)), likewise B and `C[i, j] = c[cOffset + i·ldc + j]`.
 */

import type { FloatArray } from '../../../backend/dtype.js';
import { gemmWasm } from './wasm-gemm.js';
import { gemmSkinny } from './wasm-skinny.js';

/** One GEMM call: `C (m,n) = A (m,k) · B (k,n)`, operands given by offsets and strides. */
export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  a: FloatArray;
  aOffset: number;
  aRowStride: number;
  aColStride: number;
  b: FloatArray;
  bOffset: number;
  bRowStride: number;
  bColStride: number;
  c: FloatArray;
  cOffset: number;
  /** Row stride of C (its column stride is 1). */
  ldc: number;
  /** When true, `C += A·B`; otherwise C is overwritten. */
  accumulate?: boolean;
}

/** Micro-kernel rows. */
export const MR = 4;
/** Micro-kernel columns. */
export const NR = 8;
/** Shared-dimension slice: a KC×NR panel of B (16 KiB in f64) stays in L1 across a row block. */
const KC = 256;
/** Row block: an MC×KC panel of A (192 KiB in f64) fits this machine's 512 KiB L2. */
const MC = 96;
/** Column panel of B: KC×NC f64 = 2 MiB, within L3. */
const NC = 1024;

/** Scratch buffers reused across calls (grown on demand) so a GEMM allocates nothing in steady state. */
let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);
let tile = new Float64Array(MR * NR);

/** Below this many multiply-adds the packing overhead is not worth it and a direct loop is used. */
const SMALL_WORK = 16 * 16 * 16;
/** From this many multiply-adds up, f32 products go to the WebAssembly SIMD kernel (when allowed). */
const WASM_MIN_WORK = 24 * 24 * 24;
/**
 * Rows of C from which the blocked wasm kernel is used; below, the skinny one (`wasm-skinny.ts`). The
 * blocked kernel packs all of B on every call, which costs more than it saves for skinny products
 * (`1×768 @ 768×50257`: 2× slower than the TypeScript kernel at m = 1 and m = 4, about even at m = 8,
 * 2.8× faster at m = 32); the skinny kernel streams a plain copy of B (5–15× the TypeScript kernel at
 * `1×768 @ 768×20000`, either layout of B, measured under load).
 */
const WASM_MIN_ROWS = 8;

/**
 * Which GEMM runs f32 products: `auto` (WebAssembly SIMD when available and the product is not tiny,
 * else TypeScript), `ts` (always the TypeScript kernel, float64 accumulation), `wasm` (SIMD whenever
 * possible, whatever the size). Float64 operands always use the TypeScript kernel. A CPU backend
 * takes it as an option: `createCpuBackend({ gemm: 'ts' })`.
 */
export type GemmImplementation = 'auto' | 'ts' | 'wasm';

/**
 * `C = A·B` (or `C += A·B` with `accumulate`) with a packed, register-blocked kernel.
 *
 * @example
 * ```ts
 * const a = new Float32Array([1, 2, 3, 4, 5, 6]); // (2,3)
 * const b = new Float32Array([1, 0, 0, 1, 1, 1]); // (3,2)
 * const c = new Float32Array(4);
 * gemm({ m: 2, n: 2, k: 3, a, aOffset: 0, aRowStride: 3, aColStride: 1,
 *        b, bOffset: 0, bRowStride: 2, bColStride: 1, c, cOffset: 0, ldc: 2 });
 * // c = [4, 5, 10, 11]
 * ```
 */
export function gemm(args: GemmArgs, implementation: GemmImplementation = 'auto'): void {
  const { m, n, k } = args;
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!args.accumulate) zeroC(args);
    return;
  }
  if (implementation !== 'ts' && (implementation === 'wasm' || m * n * k >= WASM_MIN_WORK)) {
    // Tall products on the blocked SIMD kernel, skinny ones (decoding) on the streaming one.
    if (m >= WASM_MIN_ROWS ? gemmWasm(args) : gemmSkinny(args)) return;
  }
  if (m * n * k <= SMALL_WORK || m < 2) {
    gemmDirect(args);
    return;
  }
  const { a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, ldc } = args;
  if (!args.accumulate) zeroC(args);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelB(b, bOffset + pc * bRowStride + jc * bColStride, bRowStride, bColStride, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanelA(a, aOffset + ic * aRowStride + pc * aColStride, aRowStride, aColStride, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const bBase = jr * kc; // micro-panel jr/NR starts at (jr/NR)·NR·kc
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            const cBase = cOffset + (ic + ir) * ldc + jc + jr;
            if (mr === MR && nr === NR) {
              microKernel4x8(kc, packA, ir * kc, packB, bBase, c, cBase, ldc);
            } else {
              // Ragged edge: run the full kernel into a scratch tile, then add the valid part.
              tile.fill(0);
              microKernel4x8(kc, packA, ir * kc, packB, bBase, tile, 0, NR);
              for (let r = 0; r < mr; r++) {
                for (let q = 0; q < nr; q++) c[cBase + r * ldc + q]! += tile[r * NR + q]!;
              }
            }
          }
        }
      }
    }
  }
}

function zeroC(args: GemmArgs): void {
  const { m, n, c, cOffset, ldc } = args;
  if (ldc === n) {
    c.fill(0, cOffset, cOffset + m * n);
    return;
  }
  for (let i = 0; i < m; i++) c.fill(0, cOffset + i * ldc, cOffset + i * ldc + n);
}

/**
 * Straight loops for small and skinny products (one row of C at a time, no packing). The loop order
 * follows B's layout: when B's rows are contiguous (row-major B) each row of C is a sum of scaled rows
 * of B (i, p, j: unit stride over j); when B is stored transposed (`x @ Wᵀ` with torch-layout weights)
 * each entry of C is a dot product of two contiguous vectors (i, j, p: unit stride over p).
 */
function gemmDirect(args: GemmArgs): void {
  const { m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride } = args;
  const { c, cOffset, ldc } = args;
  const accumulate = args.accumulate === true;
  if (bRowStride === 1 && bColStride !== 1) {
    for (let i = 0; i < m; i++) {
      const aRow = aOffset + i * aRowStride;
      const cRow = cOffset + i * ldc;
      for (let j = 0; j < n; j++) {
        const bCol = bOffset + j * bColStride;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[aRow + p * aColStride]! * b[bCol + p]!;
        c[cRow + j] = accumulate ? c[cRow + j]! + sum : sum;
      }
    }
    return;
  }
  if (tile.length < n) tile = new Float64Array(n);
  const row = tile;
  for (let i = 0; i < m; i++) {
    row.fill(0, 0, n);
    const aRow = aOffset + i * aRowStride;
    for (let p = 0; p < k; p++) {
      const av = a[aRow + p * aColStride]!;
      const bRow = bOffset + p * bRowStride;
      for (let j = 0; j < n; j++) row[j]! += av * b[bRow + j * bColStride]!;
    }
    const cRow = cOffset + i * ldc;
    if (accumulate) for (let j = 0; j < n; j++) c[cRow + j]! += row[j]!;
    else for (let j = 0; j < n; j++) c[cRow + j] = row[j]!;
  }
}

/**
 * Packs A[0:mc, 0:kc] (relative to `off`) into row micro-panels of MR: element (r, p) of panel t goes
 * to `packA[t·MR·kc + p·MR + r]`; rows past mc are zero.
 */
function packPanelA(a: FloatArray, off: number, rs: number, cs: number, mc: number, kc: number): void {
  const need = Math.ceil(mc / MR) * MR * kc;
  if (packA.length < need) packA = new Float64Array(need);
  const dst = packA;
  for (let ir = 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const mr = Math.min(MR, mc - ir);
    if (mr === MR && cs === 1) {
      // Row-major A: four row streams.
      const r0 = off + ir * rs;
      const r1 = r0 + rs;
      const r2 = r1 + rs;
      const r3 = r2 + rs;
      for (let p = 0, d = base; p < kc; p++, d += MR) {
        dst[d] = a[r0 + p]!;
        dst[d + 1] = a[r1 + p]!;
        dst[d + 2] = a[r2 + p]!;
        dst[d + 3] = a[r3 + p]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = base + p * MR;
        const src = off + ir * rs + p * cs;
        let r = 0;
        for (; r < mr; r++) dst[d + r] = a[src + r * rs]!;
        for (; r < MR; r++) dst[d + r] = 0;
      }
    }
  }
}

/**
 * Packs B[0:kc, 0:nc] (relative to `off`) into column micro-panels of NR: element (p, q) of panel t
 * goes to `packB[t·NR·kc + p·NR + q]`; columns past nc are zero.
 */
function packPanelB(b: FloatArray, off: number, rs: number, cs: number, kc: number, nc: number): void {
  const need = Math.ceil(nc / NR) * NR * kc;
  if (packB.length < need) packB = new Float64Array(need);
  const dst = packB;
  for (let jr = 0; jr < nc; jr += NR) {
    const base = jr * kc;
    const nr = Math.min(NR, nc - jr);
    if (nr === NR && cs === 1) {
      for (let p = 0, d = base; p < kc; p++, d += NR) {
        const s = off + p * rs + jr;
        dst[d] = b[s]!;
        dst[d + 1] = b[s + 1]!;
        dst[d + 2] = b[s + 2]!;
        dst[d + 3] = b[s + 3]!;
        dst[d + 4] = b[s + 4]!;
        dst[d + 5] = b[s + 5]!;
        dst[d + 6] = b[s + 6]!;
        dst[d + 7] = b[s + 7]!;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = base + p * NR;
        const src = off + p * rs + jr * cs;
        let q = 0;
        for (; q < nr; q++) dst[d + q] = b[src + q * cs]!;
        for (; q < NR; q++) dst[d + q] = 0;
      }
    }
  }
}

/**
 * The 4×8 micro-kernel: `C[0:4, 0:8] += ap · bp` over kc steps, accumulators in locals.
 * `ap` holds 4 values per step, `bp` 8 values per step.
 */
function microKernel4x8(
  kc: number,
  ap: Float64Array,
  aBase: number,
  bp: Float64Array,
  bBase: number,
  c: FloatArray,
  cBase: number,
  ldc: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c04 = 0,
    c05 = 0,
    c06 = 0,
    c07 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c14 = 0,
    c15 = 0,
    c16 = 0,
    c17 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c24 = 0,
    c25 = 0,
    c26 = 0,
    c27 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0,
    c34 = 0,
    c35 = 0,
    c36 = 0,
    c37 = 0;
  let ia = aBase;
  let ib = bBase;
  for (let p = 0; p < kc; p++, ia += 4, ib += 8) {
    const a0 = ap[ia]!,
      a1 = ap[ia + 1]!,
      a2 = ap[ia + 2]!,
      a3 = ap[ia + 3]!;
    const b0 = bp[ib]!,
      b1 = bp[ib + 1]!,
      b2 = bp[ib + 2]!,
      b3 = bp[ib + 3]!;
    const b4 = bp[ib + 4]!,
      b5 = bp[ib + 5]!,
      b6 = bp[ib + 6]!,
      b7 = bp[ib + 7]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c04 += a0 * b4;
    c05 += a0 * b5;
    c06 += a0 * b6;
    c07 += a0 * b7;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c14 += a1 * b4;
    c15 += a1 * b5;
    c16 += a1 * b6;
    c17 += a1 * b7;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c24 += a2 * b4;
    c25 += a2 * b5;
    c26 += a2 * b6;
    c27 += a2 * b7;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    c34 += a3 * b4;
    c35 += a3 * b5;
    c36 += a3 * b6;
    c37 += a3 * b7;
  }
  let o = cBase;
  c[o]! += c00;
  c[o + 1]! += c01;
  c[o + 2]! += c02;
  c[o + 3]! += c03;
  c[o + 4]! += c04;
  c[o + 5]! += c05;
  c[o + 6]! += c06;
  c[o + 7]! += c07;
  o += ldc;
  c[o]! += c10;
  c[o + 1]! += c11;
  c[o + 2]! += c12;
  c[o + 3]! += c13;
  c[o + 4]! += c14;
  c[o + 5]! += c15;
  c[o + 6]! += c16;
  c[o + 7]! += c17;
  o += ldc;
  c[o]! += c20;
  c[o + 1]! += c21;
  c[o + 2]! += c22;
  c[o + 3]! += c23;
  c[o + 4]! += c24;
  c[o + 5]! += c25;
  c[o + 6]! += c26;
  c[o + 7]! += c27;
  o += ldc;
  c[o]! += c30;
  c[o + 1]! += c31;
  c[o + 2]! += c32;
  c[o + 3]! += c33;
  c[o + 4]! += c34;
  c[o + 5]! += c35;
  c[o + 6]! += c36;
  c[o + 7]! += c37;
}
