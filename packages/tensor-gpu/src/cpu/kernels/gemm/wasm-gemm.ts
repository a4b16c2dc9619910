/**
 * The f32 GEMM on WebAssembly SIMD: a register-blocked micro-kernel emitted as wasm bytes at run time
 * (`wasm-encoder.ts`), driven by the same packing scheme as the TypeScript GEMM (`gemm.ts`).
 *
 * Division of labour:
 * - TypeScript packs a column panel of B (all of k × NC) and a row block of A (MC × all of k) into the
 *   module's memory as float32, slice by slice of KC along k (so a KC×NR panel of B stays in L1).
 * - The wasm function `block` computes the whole MC×NC block of C: for each KC slice, for each NR-wide
 *   panel of B, for each MR-high panel of A, `MR×NR` accumulators in `v128` locals
 *   (MR·NR/4 of them), one `v128.load32_splat` of A and NR/4 `v128.load`s of B per step of k.
 * - TypeScript copies (or adds) the C block into the output.
 *
 * The micro-kernel for MR = 4, NR = 8 (8 accumulators, 4 floats each), one step of k:
 *
 * ```text
 * b0 = B[p, 0:4]   b1 = B[p, 4:8]                           (two v128 loads)
 * a  = splat(A[0, p]):  acc00 += a·b0   acc01 += a·b1        (f32x4.mul + f32x4.add)
 * a  = splat(A[1, p]):  acc10 += a·b0   acc11 += a·b1
 * ... rows 2 and 3
 * ```
 *
 * Sums are accumulated in float32 (like every BLAS sgemm): use the TypeScript path (float64
 * accumulation) where that matters, e.g. for f64 tensors.
 */
import type { GemmArgs } from './gemm.js';
import { encodeModule, I32, op, V128 } from './wasm-encoder.js';

/** Rows of the micro-kernel. */
const MR = 4;
/** v128 vectors per row of the micro-kernel (NR = 4·NV columns). */
const NV = 2;
const NR = 4 * NV;
/** Rows of A per block, columns of B per panel, and the slice of k kept in cache. */
const MC = 128;
const NC = 256;
const KC = 256;

/** Emits the `block(aPtr, bPtr, cPtr, mPanels, nPanels, k, kc)` function described above. */
function blockFunction(): { params: number[]; locals: number[]; body: number[] } {
  // Parameters.
  const aPtr = 0;
  const bPtr = 1;
  const cPtr = 2;
  const mPanels = 3;
  const nPanels = 4;
  const k = 5;
  const kcMax = 6;
  // i32 locals.
  const pc0 = 7;
  const kcs = 8;
  const aS = 9;
  const bS = 10;
  const jr = 11;
  const ir = 12;
  const bP = 13;
  const pa = 14;
  const pb = 15;
  const end = 16;
  const ldcB = 17;
  const cRow = 18;
  const rest = 19;
  const i32Locals = 13;
  // v128 locals: accumulators, B vectors, the A splat.
  const acc = (r: number, v: number) => 7 + i32Locals + r * NV + v;
  const bv = (v: number) => 7 + i32Locals + MR * NV + v;
  const aSplat = 7 + i32Locals + MR * NV + NV;
  const locals = [
    ...new Array<number>(i32Locals).fill(I32),
    ...new Array<number>(MR * NV + NV + 1).fill(V128),
  ];

  const b: number[] = [];
  const emit = (...xs: (readonly number[])[]) => {
    for (const x of xs) b.push(...x);
  };
  // ldcB = nPanels · NR · 4 bytes
  emit(op.get(nPanels), op.i32(NR * 4), op.i32Mul, op.set(ldcB));
  emit(op.i32(0), op.set(pc0));
  emit(op.loop); // SLICE
  // kcs = min(kcMax, k − pc0)
  emit(op.get(k), op.get(pc0), op.i32Sub, op.set(rest));
  emit(op.get(kcMax), op.get(rest), op.get(kcMax), op.get(rest), op.i32LtU, op.select, op.set(kcs));
  // aS = aPtr + pc0·mPanels·MR·4 ; bS = bPtr + pc0·nPanels·NR·4
  emit(
    op.get(aPtr),
    op.get(pc0),
    op.get(mPanels),
    op.i32Mul,
    op.i32(MR * 4),
    op.i32Mul,
    op.i32Add,
    op.set(aS),
  );
  emit(
    op.get(bPtr),
    op.get(pc0),
    op.get(nPanels),
    op.i32Mul,
    op.i32(NR * 4),
    op.i32Mul,
    op.i32Add,
    op.set(bS),
  );
  emit(op.i32(0), op.set(jr));
  emit(op.loop); // JR
  // bP = bS + jr·NR·kcs·4
  emit(op.get(bS), op.get(jr), op.get(kcs), op.i32Mul, op.i32(NR * 4), op.i32Mul, op.i32Add, op.set(bP));
  emit(op.i32(0), op.set(ir));
  emit(op.loop); // IR
  // pa = aS + ir·MR·kcs·4 ; end = pa + kcs·MR·4 ; pb = bP
  emit(op.get(aS), op.get(ir), op.get(kcs), op.i32Mul, op.i32(MR * 4), op.i32Mul, op.i32Add, op.tee(pa));
  emit(op.get(kcs), op.i32(MR * 4), op.i32Mul, op.i32Add, op.set(end));
  emit(op.get(bP), op.set(pb));
  for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) emit(op.v128Zero, op.set(acc(r, v)));
  emit(op.loop); // K
  for (let v = 0; v < NV; v++) emit(op.get(pb), op.v128Load(v * 16), op.set(bv(v)));
  for (let r = 0; r < MR; r++) {
    emit(op.get(pa), op.v128Load32Splat(r * 4), op.set(aSplat));
    for (let v = 0; v < NV; v++) {
      emit(op.get(acc(r, v)), op.get(aSplat), op.get(bv(v)), op.f32x4Mul, op.f32x4Add, op.set(acc(r, v)));
    }
  }
  emit(op.get(pb), op.i32(NR * 4), op.i32Add, op.set(pb));
  emit(op.get(pa), op.i32(MR * 4), op.i32Add, op.tee(pa), op.get(end), op.i32LtU, op.brIf(0));
  emit(op.end);
  // C rows: cRow = cPtr + ir·MR·ldcB + jr·NR·4; C[r, v] += acc
  emit(op.get(cPtr), op.get(ir), op.i32(MR), op.i32Mul, op.get(ldcB), op.i32Mul, op.i32Add);
  emit(op.get(jr), op.i32(NR * 4), op.i32Mul, op.i32Add, op.set(cRow));
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < NV; v++) {
      emit(
        op.get(cRow),
        op.get(cRow),
        op.v128Load(v * 16),
        op.get(acc(r, v)),
        op.f32x4Add,
        op.v128Store(v * 16),
      );
    }
    if (r < MR - 1) emit(op.get(cRow), op.get(ldcB), op.i32Add, op.set(cRow));
  }
  emit(op.get(ir), op.i32(1), op.i32Add, op.tee(ir), op.get(mPanels), op.i32LtU, op.brIf(0));
  emit(op.end);
  emit(op.get(jr), op.i32(1), op.i32Add, op.tee(jr), op.get(nPanels), op.i32LtU, op.brIf(0));
  emit(op.end);
  emit(op.get(pc0), op.get(kcMax), op.i32Add, op.tee(pc0), op.get(k), op.i32LtU, op.brIf(0));
  emit(op.end);
  return { params: new Array<number>(7).fill(I32), locals, body: b };
}

type BlockFn = (
  aPtr: number,
  bPtr: number,
  cPtr: number,
  mPanels: number,
  nPanels: number,
  k: number,
  kc: number,
) => void;

interface WasmGemmState {
  memory: WebAssembly.Memory;
  block: BlockFn;
  f32: Float32Array;
}

let state: WasmGemmState | null | undefined;

/** The compiled module, or null when this runtime has no WebAssembly SIMD. Compiled once, lazily. */
function wasmState(): WasmGemmState | null {
  if (state !== undefined) return state;
  state = null;
  if (typeof WebAssembly !== 'object') return null;
  const fn = blockFunction();
  const bytes = encodeModule([{ name: 'block', results: [], ...fn }], 1);
  if (!WebAssembly.validate(bytes)) return null;
  const memory = new WebAssembly.Memory({ initial: 1 });
  let instance: WebAssembly.Instance;
  try {
    // Synchronous compile is fine for a module this small (< 1 KiB), also on a browser's main thread;
    // a page whose CSP forbids WebAssembly compilation gets the TypeScript kernel instead.
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  } catch {
    return null;
  }
  state = { memory, block: instance.exports.block as BlockFn, f32: new Float32Array(memory.buffer) };
  return state;
}

/**
 * True when the WebAssembly SIMD GEMM can run here (Node ≥ 16.4, current browsers; false where
 * WebAssembly is missing or forbidden, and f32 products then use the TypeScript kernel).
 *
 * @example
 * ```ts
 * import { wasmGemmAvailable } from '@llmforge/tensor-gpu';
 * console.log(wasmGemmAvailable() ? 'f32 matmul on wasm SIMD' : 'f32 matmul in TypeScript');
 * ```
 */
export function wasmGemmAvailable(): boolean {
  return wasmState() !== null;
}

/**
 * Grows the module memory to at least `bytes`; returns the (possibly new) float view, or null when
 * the memory cannot grow that far (wasm32 caps it at 4 GiB) so the caller falls back to TypeScript.
 */
function ensureMemory(s: WasmGemmState, bytes: number): Float32Array | null {
  const have = s.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      s.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null;
    }
    s.f32 = new Float32Array(s.memory.buffer);
  }
  return s.f32;
}

/**
 * `C = A·B` (or `C += A·B`) for Float32Array operands on the wasm SIMD kernel. Same arguments as
 * `gemm`; returns false (doing nothing) when wasm SIMD is unavailable or an operand is not f32.
 *
 * @example
 * ```ts
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([1, 0, 0, 1]), c = new Float32Array(4);
 * gemmWasm({ m: 2, n: 2, k: 2, a, aOffset: 0, aRowStride: 2, aColStride: 1,
 *            b, bOffset: 0, bRowStride: 2, bColStride: 1, c, cOffset: 0, ldc: 2 }); // c = [1, 2, 3, 4]
 * ```
 */
export function gemmWasm(args: GemmArgs): boolean {
  const { m, n, k, a, b, c } = args;
  if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
  const s = wasmState();
  if (s === null) return false;
  const { aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, cOffset, ldc } = args;
  const accumulate = args.accumulate === true;
  // Memory layout (floats): [ B panel: k × NCpad | A block: MCpad × k | C block: MCpad × NCpad ].
  const ncMax = Math.ceil(Math.min(NC, n) / NR) * NR;
  const mcMax = Math.ceil(Math.min(MC, m) / MR) * MR;
  const bBase = 0;
  const aBase = k * ncMax;
  const cBase = aBase + mcMax * k;
  const mem = ensureMemory(s, (cBase + mcMax * ncMax) * 4);
  if (mem === null) return false;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    const nPanels = Math.ceil(nc / NR);
    const ldcBlock = nPanels * NR;
    packB(mem, bBase, b, bOffset + jc * bColStride, bRowStride, bColStride, k, nc, nPanels);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      const mPanels = Math.ceil(mc / MR);
      packA(mem, aBase, a, aOffset + ic * aRowStride, aRowStride, aColStride, k, mc, mPanels);
      mem.fill(0, cBase, cBase + mPanels * MR * ldcBlock);
      s.block(aBase * 4, bBase * 4, cBase * 4, mPanels, nPanels, k, KC);
      for (let i = 0; i < mc; i++) {
        const src = cBase + i * ldcBlock;
        const dst = cOffset + (ic + i) * ldc + jc;
        if (accumulate) for (let j = 0; j < nc; j++) c[dst + j]! += mem[src + j]!;
        else c.set(mem.subarray(src, src + nc), dst);
      }
    }
  }
  return true;
}

/**
 * Packs B[0:k, 0:nc] (relative to `off`) slice-major: slice at pc0 starts at `base + pc0·nPanels·NR`,
 * panel t of a slice of kcs rows at `+ t·NR·kcs`, element (p, q) at `+ p·NR + q`; zero padded.
 */
function packB(
  dst: Float32Array,
  base: number,
  b: Float32Array,
  off: number,
  rs: number,
  cs: number,
  k: number,
  nc: number,
  nPanels: number,
): void {
  let d = base;
  for (let pc0 = 0; pc0 < k; pc0 += KC) {
    const kcs = Math.min(KC, k - pc0);
    for (let t = 0; t < nPanels; t++) {
      const j0 = t * NR;
      const width = Math.min(NR, nc - j0);
      for (let p = 0; p < kcs; p++) {
        const src = off + (pc0 + p) * rs + j0 * cs;
        if (width === NR && cs === 1) {
          for (let q = 0; q < NR; q++) dst[d + q] = b[src + q]!;
        } else {
          let q = 0;
          for (; q < width; q++) dst[d + q] = b[src + q * cs]!;
          for (; q < NR; q++) dst[d + q] = 0;
        }
        d += NR;
      }
    }
  }
}

/** Packs A[0:mc, 0:k] (relative to `off`) slice-major in MR-row panels; element (r, p) at `+ p·MR + r`. */
function packA(
  dst: Float32Array,
  base: number,
  a: Float32Array,
  off: number,
  rs: number,
  cs: number,
  k: number,
  mc: number,
  mPanels: number,
): void {
  let d = base;
  for (let pc0 = 0; pc0 < k; pc0 += KC) {
    const kcs = Math.min(KC, k - pc0);
    for (let t = 0; t < mPanels; t++) {
      const i0 = t * MR;
      const height = Math.min(MR, mc - i0);
      if (height === MR) {
        // Four row streams (this unrolling assumes MR = 4).
        const r0 = off + i0 * rs + pc0 * cs;
        const r1 = r0 + rs;
        const r2 = r1 + rs;
        const r3 = r2 + rs;
        for (let p = 0, q = 0; p < kcs; p++, q += cs, d += MR) {
          dst[d] = a[r0 + q]!;
          dst[d + 1] = a[r1 + q]!;
          dst[d + 2] = a[r2 + q]!;
          dst[d + 3] = a[r3 + q]!;
        }
      } else {
        for (let p = 0; p < kcs; p++, d += MR) {
          const src = off + i0 * rs + (pc0 + p) * cs;
          let r = 0;
          for (; r < height; r++) dst[d + r] = a[src + r * rs]!;
          for (; r < MR; r++) dst[d + r] = 0;
        }
      }
    }
  }
}
