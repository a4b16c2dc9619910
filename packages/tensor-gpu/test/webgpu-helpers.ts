/**
 * Helpers of the WebGPU tests: open the Node backend once per file (Dawn → Vulkan, else OpenGL ES /
 * llvmpipe), and run one op on both the CPU reference kernels and the WebGPU backend.
 *
 * A WebGPU test never passes without running. Where no adapter exists it is reported as skipped
 * (vitest's skip, the reason in the suite's name), except under `CI=true`, where it fails: CI has
 * llvmpipe, and a skip there would hide a broken setup. `LLMFORGE_WEBGPU=off` simulates a machine
 * without an adapter (to check both behaviours on a machine that has one).
 */
import type { DeviceTensor } from '../src/backend/backend.js';
import { allocArray, type DType, fromF16Bits, type TypedArray, toF16Bits } from '../src/backend/dtype.js';
import { inferOutputs, type OpArgs, type OpName, sizeOf, type TensorMeta } from '../src/backend/ops.js';
import { CPU_KERNELS } from '../src/cpu/kernels/index.js';
import { createNodeBackend } from '../src/node.js';
import type { GpuStorage } from '../src/webgpu/kernel-context.js';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';

/** Why this machine has no WebGPU for the tests, judged from an error (undefined: not that). */
export function noAdapterReason(error: unknown): string | undefined {
  const message = String((error as Error)?.message ?? error);
  const line = message
    .split('\n')
    .find((l) => l.includes('expected a WebGPU adapter') || l.includes('optional peer dependency "webgpu"'));
  return line && (line.length > 160 ? `${line.slice(0, 160)}…` : line);
}

/** The reason WebGPU is turned off for this run (`LLMFORGE_WEBGPU=off`), if it is. */
export function webgpuDisabled(): string | undefined {
  return process.env.LLMFORGE_WEBGPU === 'off' ? 'disabled by LLMFORGE_WEBGPU=off' : undefined;
}

/**
 * Called when there is no adapter: under `CI=true` throws (the test or file fails), otherwise
 * returns the note a skipped test carries.
 */
export function skipWithoutAdapter(reason: string): string {
  if (process.env.CI === 'true') {
    throw new Error(`WebGPU is required under CI=true, but there is no adapter: ${reason}`);
  }
  console.warn(`WebGPU tests skipped: ${reason}`);
  return `skipped: no WebGPU adapter (${reason})`;
}

/** The WebGPU backend of a test file, or why there is none. */
export interface TestWebGPU {
  /** The backend, when an adapter was found (dispose it in afterAll). */
  backend: WebGPUBackend | undefined;
  /** True when there is no adapter: pass it to `describe.skipIf` (never true under CI=true). */
  skip: boolean;
  /** A suite name, with why it is skipped when it is. */
  title(name: string): string;
}

/**
 * Opens the backend once for a test file (call it with top-level await, at collection). Without an
 * adapter: under CI=true it throws, so the file fails; elsewhere `skip` is true.
 *
 * @example
 * ```ts
 * const gpu = await openWebGPU();
 * afterAll(() => gpu.backend?.dispose());
 * describe.skipIf(gpu.skip)(gpu.title('webgpu kernels'), () => { ... gpu.backend! ... });
 * ```
 */
export async function openWebGPU(): Promise<TestWebGPU> {
  let reason = webgpuDisabled();
  if (!reason) {
    try {
      const backend = await createNodeBackend();
      return { backend, skip: false, title: (name) => name };
    } catch (e) {
      reason = noAdapterReason(e);
      if (!reason) throw e; // an adapter exists but the backend failed: a real failure
    }
  }
  const note = skipWithoutAdapter(reason);
  return { backend: undefined, skip: true, title: (name) => `${name} (${note})` };
}

/** A host tensor: shape, dtype and data. */
export interface HostTensor {
  shape: number[];
  dtype: DType;
  data: TypedArray;
}

/** A host tensor from numbers. */
export function host(shape: number[], data: ArrayLike<number>, dtype: DType = 'f32'): HostTensor {
  const arr = allocArray(dtype, sizeOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = data[i]!;
  return { shape, dtype, data: arr };
}

type Role = Record<string, HostTensor | HostTensor[] | undefined>;

function metas(role: Role): Record<string, TensorMeta | TensorMeta[] | undefined> {
  const out: Record<string, TensorMeta | TensorMeta[] | undefined> = {};
  for (const [k, v] of Object.entries(role)) {
    out[k] = Array.isArray(v)
      ? v.map((t) => ({ shape: t.shape, dtype: t.dtype }))
      : v && { shape: v.shape, dtype: v.dtype };
  }
  return out;
}

/**
 * Runs `op` on the CPU kernels and on `backend`; returns every output (and in-place tensor) of both,
 * keyed by name.
 */
export async function runBoth(
  backend: WebGPUBackend,
  op: OpName,
  inputs: Role,
  attrs: Record<string, unknown>,
  inouts: Role = {},
  /** Different inputs for the GPU side (e.g. the f16 copies of the CPU's f32 inputs). */
  gpuSide?: { inputs: Role; inouts: Role },
): Promise<{ cpu: Record<string, TypedArray>; gpu: Record<string, TypedArray> }> {
  const outMetas = inferOutputs(op, metas(inputs) as never, metas(inouts) as never, attrs as never) as Record<
    string,
    TensorMeta
  >;
  const gpuInputsRole = gpuSide?.inputs ?? inputs;
  const gpuInoutsRole = gpuSide?.inouts ?? inouts;
  const gpuOutMetas = inferOutputs(
    op,
    metas(gpuInputsRole) as never,
    metas(gpuInoutsRole) as never,
    attrs as never,
  ) as Record<string, TensorMeta>;
  // CPU
  const cpuT = (t: HostTensor): DeviceTensor<TypedArray> => ({
    storage: t.data.slice(),
    shape: t.shape,
    dtype: t.dtype,
  });
  const cpuRole = (role: Role) =>
    Object.fromEntries(
      Object.entries(role)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? v.map(cpuT) : cpuT(v!)]),
    );
  const cpuOut: Record<string, DeviceTensor<TypedArray>> = {};
  for (const [k, m] of Object.entries(outMetas)) {
    cpuOut[k] = { storage: allocArray(m.dtype, sizeOf(m.shape)), shape: m.shape, dtype: m.dtype };
  }
  const cpuInouts = cpuRole(inouts) as Record<string, DeviceTensor<TypedArray>>;
  (CPU_KERNELS[op] as (a: unknown) => void)({
    inputs: cpuRole(inputs),
    outputs: cpuOut,
    inouts: cpuInouts,
    attrs,
  });
  // GPU
  const allocated: GpuStorage[] = [];
  const gpuT = (t: HostTensor): DeviceTensor<GpuStorage> => {
    const s = backend.allocate(t.dtype, sizeOf(t.shape));
    backend.write(s, t.data);
    allocated.push(s);
    return { storage: s, shape: t.shape, dtype: t.dtype };
  };
  const gpuRole = (role: Role) =>
    Object.fromEntries(
      Object.entries(role)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? v.map(gpuT) : gpuT(v!)]),
    );
  const gpuOut: Record<string, DeviceTensor<GpuStorage>> = {};
  for (const [k, m] of Object.entries(gpuOutMetas)) {
    const s = backend.allocate(m.dtype, sizeOf(m.shape));
    allocated.push(s);
    gpuOut[k] = { storage: s, shape: m.shape, dtype: m.dtype };
  }
  const gpuInouts = gpuRole(gpuInoutsRole) as Record<string, DeviceTensor<GpuStorage>>;
  backend.run(op, {
    inputs: gpuRole(gpuInputsRole),
    outputs: gpuOut,
    inouts: gpuInouts,
    attrs,
  } as unknown as OpArgs<typeof op, DeviceTensor<GpuStorage>>);
  const cpu: Record<string, TypedArray> = {};
  const gpu: Record<string, TypedArray> = {};
  for (const [k, t] of [...Object.entries(cpuOut), ...Object.entries(cpuInouts)]) cpu[k] = t.storage;
  for (const [k, t] of [...Object.entries(gpuOut), ...Object.entries(gpuInouts)]) {
    gpu[k] = await backend.read(t.storage, t.dtype, sizeOf(t.shape));
  }
  for (const s of allocated) backend.free(s);
  return { cpu, gpu };
}

/**
 * The f16 version of a case's tensors: every f32 tensor rounded to half precision, as f16 bits for
 * the GPU (`half`) and as the rounded values in f32 for the CPU reference (`rounded`).
 */
export function toHalf(role: Role): { half: Role; rounded: Role } {
  // Statistics stay f32 by contract (statDType): saved lse/mean/rstd and the loss gradient.
  const keepF32 = new Set(['lse', 'mean', 'rstd', 'dloss']);
  const half: Role = {};
  const rounded: Role = {};
  const one = (t: HostTensor): [HostTensor, HostTensor] => {
    if (t.dtype !== 'f32') return [t, t];
    const bits = new Uint16Array(t.data.length);
    const back = new Float32Array(t.data.length);
    for (let i = 0; i < bits.length; i++) {
      bits[i] = toF16Bits(t.data[i]!);
      back[i] = fromF16Bits(bits[i]!);
    }
    return [
      { shape: t.shape, dtype: 'f16', data: bits },
      { shape: t.shape, dtype: 'f32', data: back },
    ];
  };
  for (const [k, v] of Object.entries(role)) {
    if (v === undefined) continue;
    if (keepF32.has(k) && !Array.isArray(v)) {
      half[k] = v;
      rounded[k] = v;
    } else if (Array.isArray(v)) {
      const pairs = v.map(one);
      half[k] = pairs.map((p) => p[0]);
      rounded[k] = pairs.map((p) => p[1]);
    } else {
      [half[k], rounded[k]] = one(v);
    }
  }
  return { half, rounded };
}

/** Max |a − b| relative to max(1, max |b|) (NaN/length mismatch → Infinity). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    const d = Math.abs(x - y);
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m / scale;
}

/** Deterministic pseudo-random numbers in [lo, hi). */
export function seeded(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((s >>> 8) / 16777216) * (hi - lo));
  }
  return out;
}
