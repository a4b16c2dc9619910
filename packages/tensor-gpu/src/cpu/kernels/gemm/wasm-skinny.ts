/**
 * Skinny f32 products on WebAssembly SIMD: `C (m,n) = A (m,k) · B` for a handful of rows (m < 8),
 * the shape of every matmul when decoding one token at a time (`x (1,C) @ W`). The blocked GEMM
 * (`wasm-gemm.ts`) packs all of B for 4-row panels, which wastes most of its work here; these
 * kernels stream B once per row of A instead, straight from a plain copy (`TypedArray.set`, no
 * repacking), in column chunks so the module's memory stays small.
 *
 * Two layouts of B, two kernels:
 *
 * ```text
 * axpy (B row-major, k×n):      for each row i, for each p, stream row p of B:
 *                               C[i, :] += splat(A[i,p]) · B[p, :]         (16 columns per step)
 * dot  (B transposed, n×k,      for each row i, 4 columns at a time (4 v128 accumulators):
 *       i.e. x @ Wᵀ):           acc_q += A[i, p:p+4] · Bᵀ[j+q, p:p+4]      for p in 0..k step 4
 *                               C[i, j+q] = sum of the 4 lanes of acc_q
 * ```
 *
 * Sums accumulate in float32 (like the blocked wasm kernel).
 */
import type { GemmArgs } from './gemm.js';
import { encodeModule, I32, op, V128 } from './wasm-encoder.js';

/** Columns of B per chunk. */
const NB = 2048;

type Emit = (...xs: (readonly number[])[]) => void;

function emitter(): { body: number[]; emit: Emit } {
  const body: number[] = [];
  return {
    body,
    emit: (...xs) => {
      for (const x of xs) body.push(...x);
    },
  };
}

/**
 * `axpy(aPtr, bPtr, cPtr, m, nb, k)`: C (m × nb, row stride nb) += A (m × k, row stride k) · B (k × nb,
 * row stride nb); nb is a multiple of 16 and C starts zeroed. Row p of B is streamed in order and
 * added, scaled by A[i, p], into row i of C (nb ≤ 2048 floats: it stays in L1). Walking B down its
 * columns instead (16 columns in registers across all k) was 2.5× slower for (1,768) @ (768,3072)
 * (23.9 vs 9.5 ms, medians of the same bench under load): every step of k jumps a whole row of B, so
 * each load misses.
 */
function axpyFunction() {
  const [aPtr, bPtr, cPtr, m, nb, k] = [0, 1, 2, 3, 4, 5];
  const [i, pa, pb, pc, aEnd, cRow, cEnd] = [6, 7, 8, 9, 10, 11, 12];
  const a = 13;
  const locals = [...new Array<number>(7).fill(I32), V128];
  const { body, emit } = emitter();
  emit(op.get(bPtr), op.set(pb)); // reset per row below
  emit(op.i32(0), op.set(i));
  emit(op.loop); // rows of A
  // pa = aPtr + i·k·4 ; aEnd = pa + k·4 ; cRow = cPtr + i·nb·4 ; cEnd = cRow + nb·4 ; pb = bPtr
  emit(op.get(aPtr), op.get(i), op.get(k), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add, op.tee(pa));
  emit(op.get(k), op.i32(4), op.i32Mul, op.i32Add, op.set(aEnd));
  emit(op.get(cPtr), op.get(i), op.get(nb), op.i32Mul, op.i32(4), op.i32Mul, op.i32Add, op.tee(cRow));
  emit(op.get(nb), op.i32(4), op.i32Mul, op.i32Add, op.set(cEnd));
  emit(op.get(bPtr), op.set(pb));
  emit(op.loop); // p: C[i, :] += A[i, p] · B[p, :]
  emit(op.get(pa), op.v128Load32Splat(0), op.set(a));
  emit(op.get(cRow), op.set(pc));
  emit(op.loop); // 16 columns per iteration; pb walks row p of B (rows are contiguous: it just continues)
  for (let v = 0; v < 4; v++) {
    emit(op.get(pc), op.get(pc), op.v128Load(v * 16), op.get(a), op.get(pb), op.v128Load(v * 16));
    emit(op.f32x4Mul, op.f32x4Add, op.v128Store(v * 16));
  }
  emit(op.get(pb), op.i32(64), op.i32Add, op.set(pb));
  emit(op.get(pc), op.i32(64), op.i32Add, op.tee(pc), op.get(cEnd), op.i32LtU, op.brIf(0));
  emit(op.end);
  emit(op.get(pa), op.i32(4), op.i32Add, op.tee(pa), op.get(aEnd), op.i32LtU, op.brIf(0));
  emit(op.end);
  emit(op.get(i), op.i32(1), op.i32Add, op.tee(i), op.get(m), op.i32LtU, op.brIf(0));
  emit(op.end);
  return { name: 'axpy', params: new Array<number>(6).fill(I32), results: [], locals, body };
}

/**
 * `dot(aPtr, btPtr, cPtr, m, nb, kp)`: C (m × nb, row stride nb) = A (m × kp) · Btᵀ with Bt (nb × kp);
 * kp is a multiple of 4 (zero padded in both), nb a multiple of 4.
 */
function dotFunction() {
  const [aPtr, btPtr, cPtr, m, nb, kp] = [0, 1, 2, 3, 4, 5];
  const [i, j, pa, pb, aEnd, cAt, aRow, rowBytes] = [6, 7, 8, 9, 10, 11, 12, 13];
  const acc = (q: number) => 14 + q;
  const a = 18;
  const locals = [...new Array<number>(8).fill(I32), ...new Array<number>(5).fill(V128)];
  const { body, emit } = emitter();
  emit(op.get(kp), op.i32(4), op.i32Mul, op.set(rowBytes));
  emit(op.i32(0), op.set(i));
  emit(op.loop); // rows of A
  emit(op.get(aPtr), op.get(i), op.get(rowBytes), op.i32Mul, op.i32Add, op.tee(aRow));
  emit(op.get(rowBytes), op.i32Add, op.set(aEnd));
  emit(op.i32(0), op.set(j));
  emit(op.loop); // 4 columns of C (rows of Bt) at a time
  for (let q = 0; q < 4; q++) emit(op.v128Zero, op.set(acc(q)));
  emit(op.get(aRow), op.set(pa));
  emit(op.get(btPtr), op.get(j), op.get(rowBytes), op.i32Mul, op.i32Add, op.set(pb));
  emit(op.loop); // p, 4 at a time
  emit(op.get(pa), op.v128Load(0), op.set(a));
  for (let q = 0; q < 4; q++) {
    // Bt row j+q starts rowBytes·q past pb: address it with a computed pointer.
    emit(op.get(acc(q)), op.get(a), op.get(pb));
    if (q > 0) emit(op.get(rowBytes), op.i32(q), op.i32Mul, op.i32Add);
    emit(op.v128Load(0), op.f32x4Mul, op.f32x4Add, op.set(acc(q)));
  }
  emit(op.get(pb), op.i32(16), op.i32Add, op.set(pb));
  emit(op.get(pa), op.i32(16), op.i32Add, op.tee(pa), op.get(aEnd), op.i32LtU, op.brIf(0));
  emit(op.end);
  // C[i, j+q] = lane sum of acc_q
  emit(op.get(cPtr), op.get(i), op.get(nb), op.i32Mul, op.get(j), op.i32Add, op.i32(4), op.i32Mul, op.i32Add);
  emit(op.set(cAt));
  for (let q = 0; q < 4; q++) {
    emit(
      op.get(cAt),
      op.get(acc(q)),
      op.f32x4ExtractLane(0),
      op.get(acc(q)),
      op.f32x4ExtractLane(1),
      op.f32Add,
    );
    emit(
      op.get(acc(q)),
      op.f32x4ExtractLane(2),
      op.get(acc(q)),
      op.f32x4ExtractLane(3),
      op.f32Add,
      op.f32Add,
    );
    emit(op.f32Store(q * 4));
  }
  emit(op.get(j), op.i32(4), op.i32Add, op.tee(j), op.get(nb), op.i32LtU, op.brIf(0));
  emit(op.end);
  emit(op.get(i), op.i32(1), op.i32Add, op.tee(i), op.get(m), op.i32LtU, op.brIf(0));
  emit(op.end);
  return { name: 'dot', params: new Array<number>(6).fill(I32), results: [], locals, body };
}

type KernelFn = (aPtr: number, bPtr: number, cPtr: number, m: number, nb: number, k: number) => void;

interface SkinnyState {
  memory: WebAssembly.Memory;
  axpy: KernelFn;
  dot: KernelFn;
  f32: Float32Array;
}

let state: SkinnyState | null | undefined;

function skinnyState(): SkinnyState | null {
  if (state !== undefined) return state;
  state = null;
  if (typeof WebAssembly !== 'object') return null;
  const bytes = encodeModule([axpyFunction(), dotFunction()], 1);
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
  state = {
    memory,
    axpy: instance.exports.axpy as KernelFn,
    dot: instance.exports.dot as KernelFn,
    f32: new Float32Array(memory.buffer),
  };
  return state;
}

/**
 * Grows the module memory to at least `bytes`; returns the (possibly new) float view, or null when
 * the memory cannot grow that far (wasm32 caps it at 4 GiB) so the caller falls back to TypeScript.
 */
function ensureMemory(s: SkinnyState, bytes: number): Float32Array | null {
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
 * `C = A·B` (or `+=`) for Float32Array operands when B is row-major or transposed (one of its strides
 * is 1). Returns false, doing nothing, when wasm SIMD is unavailable, an operand is not f32, or B has
 * no unit stride.
 *
 * @example
 * ```ts
 * const a = new Float32Array([1, 2]), b = new Float32Array([1, 2, 3, 4, 5, 6]), c = new Float32Array(3);
 * gemmSkinny({ m: 1, n: 3, k: 2, a, aOffset: 0, aRowStride: 2, aColStride: 1,
 *              b, bOffset: 0, bRowStride: 3, bColStride: 1, c, cOffset: 0, ldc: 3 }); // c = [9, 12, 15]
 * ```
 */
export function gemmSkinny(args: GemmArgs): boolean {
  const { m, n, k, a, b, c } = args;
  if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) return false;
  const rowMajor = args.bColStride === 1;
  if (!rowMajor && args.bRowStride !== 1) return false;
  const s = skinnyState();
  if (s === null) return false;
  const { aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, cOffset, ldc } = args;
  const accumulate = args.accumulate === true;
  const kp = Math.ceil(k / 4) * 4; // padded k (dot kernel)
  const nbMax = Math.ceil(Math.min(NB, n) / 16) * 16;
  // Memory (floats): [ A: m × kp | B chunk: k × nbMax (axpy) or nbMax × kp (dot) | C: m × nbMax ].
  const aBase = 0;
  const bBase = m * kp;
  const cBase = bBase + nbMax * kp;
  const mem = ensureMemory(s, (cBase + m * nbMax) * 4);
  if (mem === null) return false;
  // A, rows of length k (axpy) or kp zero-padded (dot).
  const aLd = rowMajor ? k : kp;
  for (let i = 0; i < m; i++) {
    const src = aOffset + i * aRowStride;
    for (let p = 0; p < k; p++) mem[aBase + i * aLd + p] = a[src + p * aColStride]!;
    if (!rowMajor) mem.fill(0, aBase + i * aLd + k, aBase + (i + 1) * aLd);
  }
  for (let j0 = 0; j0 < n; j0 += NB) {
    const w = Math.min(NB, n - j0);
    if (rowMajor) {
      const nb = Math.ceil(w / 16) * 16;
      // Columns past w hold stale values: they only feed columns of C that are never read.
      for (let p = 0; p < k; p++) {
        const src = bOffset + p * bRowStride + j0;
        mem.set(b.subarray(src, src + w), bBase + p * nb);
      }
      mem.fill(0, cBase, cBase + m * nb);
      s.axpy(aBase * 4, bBase * 4, cBase * 4, m, nb, k);
      copyOut(mem, cBase, nb, c, cOffset + j0, ldc, m, w, accumulate);
    } else {
      const nb = Math.ceil(w / 4) * 4;
      for (let j = 0; j < w; j++) {
        const src = bOffset + (j0 + j) * bColStride;
        const dst = bBase + j * kp;
        mem.set(b.subarray(src, src + k), dst);
        mem.fill(0, dst + k, dst + kp);
      }
      s.dot(aBase * 4, bBase * 4, cBase * 4, m, nb, kp);
      copyOut(mem, cBase, nb, c, cOffset + j0, ldc, m, w, accumulate);
    }
  }
  return true;
}

function copyOut(
  mem: Float32Array,
  cBase: number,
  nb: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  m: number,
  w: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const src = cBase + i * nb;
    const dst = cOff + i * ldc;
    if (accumulate) for (let j = 0; j < w; j++) c[dst + j]! += mem[src + j]!;
    else c.set(mem.subarray(src, src + w), dst);
  }
}
