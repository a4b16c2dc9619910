/**
 * WGSL building blocks shared by the kernels: the parameter block, element types, and a packer that
 * writes kernel parameters in the layout the shaders read.
 *
 * Parameters travel as 64 32-bit words in a uniform buffer (see `command-batcher.ts`). The shader sees
 * them as `array<vec4<u32>, 16>` (uniform arrays need a 16-byte stride) and reads word `i` with
 * `pu(i)` (u32), `pi(i)` (i32) or `pf(i)` (f32, bit-cast). On the host, `Params` writes words in order:
 *
 *   new Params().u32(M).u32(N).f32(0.5).buffer  // words 0, 1, 2 → pu(0) = M, pu(1) = N, pf(2) = 0.5
 */
import { BackendError } from '../errors.js';

/** The uniform parameter block and its accessors; put it at the top of every kernel with params. */
export const PARAMS_WGSL = /* wgsl */ `
struct Params { w: array<vec4<u32>, 16> }
@group(0) @binding(0) var<uniform> P: Params;
fn pu(i: u32) -> u32 { return P.w[i / 4u][i % 4u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(P.w[i / 4u][i % 4u]); }
fn pf(i: u32) -> f32 { return bitcast<f32>(P.w[i / 4u][i % 4u]); }
// Non-finite f32 constants: a const-expression may not be inf/NaN in WGSL, a function call result may.
fn f32bits(b: u32) -> f32 { return bitcast<f32>(b); }
fn negInf() -> f32 { return f32bits(0xff800000u); }
fn posInf() -> f32 { return f32bits(0x7f800000u); }
`;

/** Host-side writer of a kernel's parameter words (at most 64). */
export class Params {
  private readonly data = new ArrayBuffer(256);
  private readonly u = new Uint32Array(this.data);
  private readonly i = new Int32Array(this.data);
  private readonly f = new Float32Array(this.data);
  private n = 0;

  private next(): number {
    if (this.n >= 64) {
      throw new BackendError({
        operation: 'webgpu params',
        expected: 'at most 64 parameter words per kernel',
        found: `${this.n + 1}`,
        hint: 'this is a bug in a WebGPU kernel; please report it',
      });
    }
    return this.n++;
  }
  u32(v: number): this {
    this.u[this.next()] = v >>> 0;
    return this;
  }
  i32(v: number): this {
    this.i[this.next()] = v | 0;
    return this;
  }
  f32(v: number): this {
    this.f[this.next()] = v;
    return this;
  }
  /** Appends every value of `vs` as u32, padded with `pad` up to `len` words. */
  u32s(vs: readonly number[], len: number, pad = 0): this {
    for (let k = 0; k < len; k++) this.u32(k < vs.length ? vs[k]! : pad);
    return this;
  }
  get buffer(): ArrayBuffer {
    return this.data;
  }
}

/** The WGSL element types a WebGPU kernel can store. */
export type GpuDType = 'f32' | 'f16' | 'i32' | 'u32';

/** `enable f16;` when the kernel touches f16 storage, else nothing. */
export function enables(...dtypes: readonly string[]): string {
  return dtypes.includes('f16') ? 'enable f16;\n' : '';
}

/** The workgroup count for `n` invocations of `size` threads, folded into 2-D past 65535 groups. */
export function grid1d(n: number, size: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / size));
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/**
 * WGSL for the flat invocation index of a 1-D kernel dispatched with {@link grid1d}: use as
 * `let i = ${GLOBAL_INDEX(256)};` inside a function that has `gid` and `nwg` builtins.
 */
export const GLOBAL_INDEX = (size: number): string => `(gid.x + gid.y * nwg.x * ${size}u)`;

/** The builtins a 1-D kernel's entry point takes (pairs with {@link GLOBAL_INDEX}). */
export const ENTRY_1D_ARGS =
  '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>';

/** Highest tensor rank the strided-index kernels take (shape + 2–3 stride arrays fit in 64 words). */
export const MAX_RANK = 8;

/**
 * WGSL of `fn name(i: u32) -> u32`: the element offset, in a tensor with strides at params words
 * `strideBase..`, of output element `i` of a tensor whose shape is at words `shapeBase..`
 * (rank at word `rankWord`). Strides are 0 along broadcast axes.
 *
 * Worked example: out shape (2,3), a strides (0,1) (a is a broadcast row of 3): i = 4 → (1,1) → 1.
 */
export function stridedOffsetWGSL(
  name: string,
  rankWord: number,
  shapeBase: number,
  strideBase: number,
): string {
  return /* wgsl */ `
fn ${name}(i: u32) -> u32 {
  let r = pu(${rankWord}u);
  var rem = i;
  var off = 0u;
  for (var k = 0u; k < r; k++) {
    let d = r - 1u - k;
    let size = pu(${shapeBase}u + d);
    off += (rem % size) * pu(${strideBase}u + d);
    rem = rem / size;
  }
  return off;
}
`;
}

/**
 * Strides of `shape` read as if broadcast to `outShape` (aligned on the right, 0 along stretched or
 * missing axes): `broadcastStrides([3,1], [2,3,4])` → `[0, 1, 0]`.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const r = outShape.length;
  const out = new Array<number>(r).fill(0);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k]!;
    const o = r - shape.length + k;
    out[o] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return out;
}

/**
 * Drops size-1 axes and merges runs of axes that stay contiguous in every operand, so common cases
 * (same-shape tensors, a bias row) become rank 1 or 2 and the index math is cheap.
 * `shape` is the output shape, `strides` one stride list per operand (from {@link broadcastStrides}).
 */
export function collapseAxes(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let k = 0; k < shape.length; k++) {
    const d = shape[k]!;
    if (d === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j]![last] === s[k]! * d);
    if (mergeable) {
      outShape[last] = outShape[last]! * d;
      strides.forEach((s, j) => {
        outStrides[j]![last] = s[k]!;
      });
    } else {
      outShape.push(d);
      strides.forEach((s, j) => {
        outStrides[j]!.push(s[k]!);
      });
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}
