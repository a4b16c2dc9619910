/**
 * The CPU backend: the living definition of every op, and the fast path on machines without a GPU.
 *
 * - Storage is a typed array from a size-class pool (`pool.ts`), allocated inside one shared
 *   WebAssembly memory (`arena.ts`) when the runtime allows it (Node; a cross-origin-isolated page).
 * - Kernels: the TypeScript reference kernels (`kernels/*`, plain loops) for every op; where the arena
 *   and WebAssembly SIMD are available, the hot ops run as WebAssembly kernels in place on the arena
 *   (`simd/*` over `wasm/*.wat`), split across worker threads (`threads/*`). Results do not depend on
 *   the number of threads: every output element is computed by one thread in a fixed order.
 *
 * f16 on the CPU: storage holds IEEE half bits (Uint16Array). Kernels are written for f32/f64 only,
 * so `run` widens f16 tensors to f32 scratch arrays, runs the kernel, and rounds f16 outputs (and
 * in-place tensors) back to half — the results are what an f32-compute, f16-storage GPU kernel gives.
 * `cast`, `fill` and `arange` handle f16 themselves.
 */
import type { Backend, BackendMemory, DeviceTensor } from '../backend/backend.js';
import {
  DTYPES,
  type DType,
  dtypeOfArray,
  fromF16Bits,
  type TypedArray,
  toF16Bits,
} from '../backend/dtype.js';
import type { OpArgs, OpName } from '../backend/ops.js';
import { BackendError, DisposedError, DTypeError } from '../errors.js';
import { WasmArena } from './arena.js';
import type { GemmImplementation } from './kernels/gemm/gemm.js';
import { CPU_KERNELS } from './kernels/index.js';
import type { CpuStorage } from './kernels/kernel.js';
import { matmulKernelWith } from './kernels/matmul.js';
import { CpuPool, type CpuPoolStats } from './pool.js';
import { createSimdKernels } from './simd/index.js';
import { defaultThreadCount, type ThreadPoolStats, threadsSupported } from './threads/thread-pool.js';
import { type RelaxedSimdMode, WasmRuntime } from './wasm/runtime.js';

/** Options of `createCpuBackend`. */
export interface CpuBackendOptions {
  /** Name shown in errors and `backend.name` (default `cpu`). */
  name?: string;
  /**
   * Freed storage kept for reuse beyond this many bytes is released instead (default 512 MiB;
   * storage in the arena is always kept for reuse, since a WebAssembly memory cannot shrink).
   */
  maxPooledBytes?: number;
  /**
   * Threads the kernels split their work over, the calling thread included (default: the machine's
   * cores, `os.availableParallelism()` / `navigator.hardwareConcurrency`). Workers start on the first
   * kernel big enough to share, and never keep a Node process alive; `dispose()` terminates them.
   * Results are bit-identical for every thread count.
   */
  threads?: number;
  /**
   * Run the hot ops as WebAssembly SIMD kernels on a shared arena (default true where the runtime
   * has WebAssembly and shared memory). `false`: TypeScript reference kernels only, one thread.
   */
  wasm?: boolean;
  /**
   * Relaxed SIMD (fused multiply-add): `auto` (default) uses it where the runtime validates it
   * (Node ≥ 22, current browsers); `off` keeps plain SIMD; `enable-flag` first calls
   * `v8.setFlagsFromString('--experimental-wasm-relaxed-simd')` so Node 20 has it too — a
   * process-wide V8 switch, hence opt-in. `info().simd` says which kernels run.
   */
  relaxedSimd?: RelaxedSimdMode;
  /**
   * The GEMM behind `matmul` for f32: `auto` (default: WebAssembly SIMD), `ts` (the TypeScript
   * kernel, float64 accumulation), `wasm` (SIMD even for tiny products). f64 always uses TypeScript.
   */
  gemm?: GemmImplementation;
  /**
   * Work (estimated nanoseconds on one thread) below which a kernel runs on the calling thread only
   * (default 40,000; each extra thread gets at least half of that). 0 splits every kernel across all
   * threads, which tests use to exercise the threaded paths on small tensors.
   */
  minParallelWork?: number;
  /** How long idle workers spin before they sleep (and the calling thread before it sleeps waiting for them), in ms (default 1). */
  spinMs?: number;
}

/** What a CPU backend runs on (see {@link CpuBackend.info}). */
export interface CpuBackendInfo {
  /** Kernels: `relaxed` or `plain` WebAssembly SIMD, or `none` (TypeScript reference kernels). */
  simd: 'relaxed' | 'plain' | 'none';
  /** Threads configured (the calling thread included). */
  threads: number;
  /** Worker threads started and ready now. */
  readyWorkers: number;
  /** True when tensors live in a shared WebAssembly memory (the kernels use them in place). */
  arena: boolean;
  /** The f32 GEMM implementation. */
  gemm: GemmImplementation;
}

/** The CPU backend's type: storage is a typed array, and reads can be synchronous. */
export interface CpuBackend extends Backend<CpuStorage> {
  readSync(storage: CpuStorage, dtype: DType, size: number): TypedArray;
  /** Drops pooled (free) buffers so the garbage collector can take them (arena blocks stay pooled). */
  trim(): void;
  /**
   * What runs: SIMD flavour, threads, arena.
   *
   * @example
   * ```ts
   * createCpuBackend().info(); // { simd: 'plain', threads: 2, readyWorkers: 0, arena: true, gemm: 'auto' }
   * ```
   */
  info(): CpuBackendInfo;
  /** Allocation counters of the pool: `allocations`, `reused`, `arenaBytes`, ... */
  poolStats(): CpuPoolStats;
  /**
   * What the worker threads have done since the backend was created: kernels handed out (`jobs`),
   * their `pieces` and how many of those the calling thread ran (`piecesOnCaller`), `wakeups` of a
   * sleeping worker, and the milliseconds the calling thread waited for workers (`joinMs`). All
   * zero with one thread.
   *
   * @example
   * ```ts
   * const before = cpu.threadStats();
   * trainStep();
   * const after = cpu.threadStats();
   * after.jobs - before.jobs; // hand-offs per step
   * ```
   */
  threadStats(): ThreadPoolStats;
  /**
   * Starts recording how long each op's kernels take (wall time of `run`, threads joined), by op
   * name — `unary`/`unaryGrad`/`binary` by kind too (`unary:gelu_erf`). `stopProfile()` returns
   * the totals since the start and stops recording. Costs two `performance.now()` per op.
   *
   * @example
   * ```ts
   * cpu.startProfile();
   * trainStep();
   * for (const [op, { ms, calls }] of cpu.stopProfile()) console.log(op, ms.toFixed(2), calls);
   * ```
   */
  startProfile(): void;
  /** Totals per op since `startProfile()`, largest first; recording stops. */
  stopProfile(): Map<string, { ms: number; calls: number }>;
  /**
   * Starts the worker threads now and resolves when they are all ready (otherwise they start on the
   * first big kernel and join as they come up). Rejects after `timeoutMs` (default 10 s).
   */
  ready(timeoutMs?: number): Promise<void>;
}

const NATIVE_F16 = new Set<OpName>(['cast', 'fill', 'arange']);

type AnyTensor = DeviceTensor<CpuStorage>;
type TensorRecord = Record<string, AnyTensor | readonly AnyTensor[] | undefined>;

function widen(t: AnyTensor): AnyTensor {
  if (t.dtype !== 'f16') return t;
  const src = t.storage;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = fromF16Bits(src[i]!);
  return { storage: out, shape: t.shape, dtype: 'f32' };
}

function narrowInto(wide: AnyTensor, half: AnyTensor): void {
  const src = wide.storage;
  const dst = half.storage;
  for (let i = 0; i < src.length; i++) dst[i] = toF16Bits(src[i]!);
}

function hasF16(records: TensorRecord[]): boolean {
  for (const r of records) {
    for (const v of Object.values(r)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) {
        if ((v as readonly AnyTensor[]).some((t) => t.dtype === 'f16')) return true;
      } else if ((v as AnyTensor).dtype === 'f16') return true;
    }
  }
  return false;
}

function mapRecord(r: TensorRecord, f: (t: AnyTensor) => AnyTensor): TensorRecord {
  const out: TensorRecord = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? (v as readonly AnyTensor[]).map(f) : f(v as AnyTensor);
  }
  return out;
}

function widenOutput(t: AnyTensor): AnyTensor {
  return t.dtype === 'f16'
    ? { storage: new Float32Array(t.storage.length), shape: t.shape, dtype: 'f32' }
    : t;
}

/**
 * Creates a CPU backend: tensors in a shared WebAssembly memory, WebAssembly SIMD kernels split
 * over `threads` (default: the machine's cores), TypeScript reference kernels for the rest.
 *
 * @example
 * ```ts
 * const cpu = createCpuBackend();            // or { threads: 4, relaxedSimd: 'enable-flag' }
 * const x = tensor([1, 2, 3], [3], 'f32', cpu);
 * await x.exp().data(); // Float32Array [2.718…, 7.389…, 20.08…]
 * cpu.info();           // { simd: 'plain', threads: 2, readyWorkers: 0, arena: true, gemm: 'auto' }
 * cpu.dispose();        // frees the memory, terminates the workers
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  const name = options.name ?? 'cpu';
  const gemmImpl = options.gemm ?? 'auto';
  const threads = threadsSupported() ? Math.max(1, Math.floor(options.threads ?? defaultThreadCount())) : 1;
  const arena = options.wasm === false || gemmImpl === 'ts' ? null : WasmArena.create();
  const pool = new CpuPool(options.maxPooledBytes, arena);
  const runtime = arena
    ? WasmRuntime.create(arena, {
        threads,
        relaxedSimd: options.relaxedSimd ?? 'auto',
        ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
        ...(options.minParallelWork === undefined ? {} : { minParallelWork: options.minParallelWork }),
      })
    : null;
  const kernels = runtime
    ? createSimdKernels(runtime, gemmImpl)
    : { ...CPU_KERNELS, matmul: matmulKernelWith(gemmImpl) };
  let disposed = false;
  let profile: Map<string, { ms: number; calls: number }> | null = null;
  const profileKey = (op: OpName, attrs: unknown): string => {
    const kind = (attrs as { op?: unknown }).op;
    return typeof kind === 'string' ? `${op}:${kind}` : op;
  };

  const alive = (op: string): void => {
    if (disposed) {
      throw new DisposedError({
        operation: op,
        expected: `a live ${name} backend`,
        found: 'a disposed backend',
        hint: 'create a new backend with createCpuBackend()',
      });
    }
  };

  const runKernel = <K extends OpName>(op: K, args: OpArgs<K, AnyTensor>): void => {
    alive(op);
    const kernel = kernels[op];
    if (!kernel) {
      throw new BackendError({ operation: op, expected: 'an op of the contract', found: String(op) });
    }
    const inputs = args.inputs as TensorRecord;
    const outputs = args.outputs as TensorRecord;
    const inouts = args.inouts as TensorRecord;
    if (NATIVE_F16.has(op) || !hasF16([inputs, outputs, inouts])) {
      kernel(args);
      return;
    }
    // f16: compute in f32, round outputs back to half.
    const wideOut = mapRecord(outputs, widenOutput);
    const wideIo = mapRecord(inouts, widen);
    kernel({
      inputs: mapRecord(inputs, widen),
      outputs: wideOut,
      inouts: wideIo,
      attrs: args.attrs,
    } as unknown as OpArgs<K, AnyTensor>);
    for (const [rec, wide] of [
      [outputs, wideOut],
      [inouts, wideIo],
    ] as const) {
      for (const [k, t] of Object.entries(rec)) {
        if (t === undefined) continue;
        if (Array.isArray(t)) {
          // a list of in-place tensors (`scaleInPlace`'s xs): narrow each half one back
          const ws = wide[k] as readonly AnyTensor[];
          (t as readonly AnyTensor[]).forEach((u, i) => {
            if (u.dtype === 'f16') narrowInto(ws[i]!, u);
          });
        } else if ((t as AnyTensor).dtype === 'f16') narrowInto(wide[k] as AnyTensor, t as AnyTensor);
      }
    }
  };

  const readSync = (storage: CpuStorage, dtype: DType, size: number): TypedArray => {
    alive('read');
    if (dtypeOfArray(storage) !== dtype || storage.length < size) {
      throw new DTypeError({
        operation: 'read',
        expected: `${size} elements of ${dtype}`,
        found: `${storage.length} elements of ${dtypeOfArray(storage)}`,
      });
    }
    return storage.slice(0, size);
  };

  return {
    name,
    dtypes: DTYPES,
    get disposed() {
      return disposed;
    },
    allocate(dtype, size) {
      alive('allocate');
      return pool.allocate(dtype, size);
    },
    free(storage) {
      if (disposed) return;
      pool.free(storage);
    },
    write(storage, data) {
      alive('write');
      if (dtypeOfArray(storage) !== dtypeOfArray(data) || storage.length !== data.length) {
        throw new DTypeError({
          operation: 'write',
          expected: `${storage.length} elements of ${dtypeOfArray(storage)}`,
          found: `${data.length} elements of ${dtypeOfArray(data)}`,
          hint: 'write a host array of the tensor’s dtype and size',
        });
      }
      storage.set(data);
    },
    read: (storage, dtype, size) => Promise.resolve().then(() => readSync(storage, dtype, size)),
    readSync,
    run<K extends OpName>(op: K, args: OpArgs<K, AnyTensor>) {
      if (profile) {
        const t0 = performance.now();
        try {
          runKernel(op, args);
        } finally {
          const key = profileKey(op, args.attrs);
          const e = profile.get(key) ?? { ms: 0, calls: 0 };
          e.ms += performance.now() - t0;
          e.calls++;
          profile.set(key, e);
        }
        return;
      }
      runKernel(op, args);
    },
    startProfile() {
      profile = new Map();
    },
    stopProfile() {
      const out = new Map(
        [...(profile ?? new Map<string, { ms: number; calls: number }>())].sort((a, b) => b[1].ms - a[1].ms),
      );
      profile = null;
      return out;
    },
    sync: () => Promise.resolve(),
    memory(): BackendMemory {
      return pool.stats();
    },
    trim() {
      pool.trim();
    },
    info() {
      return {
        simd: runtime?.simd ?? 'none',
        threads: runtime?.threads ?? 1,
        readyWorkers: runtime?.readyWorkers ?? 0,
        arena: arena !== null,
        gemm: gemmImpl,
      };
    },
    poolStats() {
      return pool.poolStats();
    },
    threadStats() {
      return runtime?.threadStats() ?? { jobs: 0, pieces: 0, piecesOnCaller: 0, wakeups: 0, joinMs: 0 };
    },
    async ready(timeoutMs = 10_000) {
      alive('ready');
      if (!runtime) return;
      await runtime.startWorkers(timeoutMs);
    },
    dispose() {
      if (disposed) return;
      runtime?.dispose();
      pool.trim();
      disposed = true;
    },
  };
}
