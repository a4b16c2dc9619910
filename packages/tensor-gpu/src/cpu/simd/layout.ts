/**
 * WebAssembly wrappers of `permute` (any 4-byte dtype, up to four dims after merging) and `reduce`
 * (sum, mean, max, min, sumSquares of f32, reduced axes forming one contiguous run once size-1 dims
 * are ignored) — `wasm/layout.wat`.
 */
import type { ReduceKind } from '../../backend/ops.js';
import { stridesOf } from '../../backend/ops.js';
import type { CpuKernel } from '../kernels/kernel.js';
import { planStrided } from '../kernels/strided.js';
import type { WasmRuntime } from '../wasm/runtime.js';

export function simdPermute(rt: WasmRuntime, ref: CpuKernel<'permute'>): CpuKernel<'permute'> {
  return (args) => {
    const { x } = args.inputs;
    const { y } = args.outputs;
    if (x.storage.BYTES_PER_ELEMENT !== 4 || y.storage.length === 0 || !rt.owns(x.storage, y.storage)) {
      return ref(args);
    }
    const xs = stridesOf(x.shape);
    const plan = planStrided(y.shape, [stridesOf(y.shape), args.attrs.perm.map((p) => xs[p]!)]);
    if (plan.outer.length > 3) return ref(args);
    const d = [...plan.outer, plan.inner];
    const s = [...(plan.outerStrides[1] ?? []), plan.innerStrides[1]!];
    while (d.length < 4) {
      d.unshift(1);
      s.unshift(0);
    }
    const n = y.storage.length;
    rt.run('permute', [rt.ptr(x.storage), rt.ptr(y.storage), rt.ints([...d, ...s])], n * 0.3);
  };
}

/** Values per block of `sum_squares_blocks` (`layout.wat`): the fixed partition of a whole-tensor Σx². */
const SUM_SQUARES_BLOCK = 4096;

const REDUCE_CODES: Record<ReduceKind, number> = { sum: 0, mean: 1, max: 2, min: 3, sumSquares: 4 };

export function simdReduce(rt: WasmRuntime, ref: CpuKernel<'reduce'>): CpuKernel<'reduce'> {
  return (args) => {
    const { x } = args.inputs;
    const { y } = args.outputs;
    if (x.dtype !== 'f32' || !(x.storage instanceof Float32Array) || !rt.owns(x.storage, y.storage)) {
      return ref(args);
    }
    const { axes, op } = args.attrs;
    // outer × red × inner, ignoring size-1 dims; the reduced ones must form one run
    let outer = 1;
    let red = 1;
    let inner = 1;
    let phase = 0; // 0 before the run, 1 inside, 2 after
    for (let i = 0; i < x.shape.length; i++) {
      const d = x.shape[i]!;
      if (d === 1) continue;
      const reduced = axes.includes(i);
      if (reduced) {
        if (phase === 2) return ref(args);
        phase = 1;
        red *= d;
      } else if (phase === 0) outer *= d;
      else {
        phase = 2;
        inner *= d;
      }
    }
    if (red === 0 || outer * inner === 0) return ref(args);
    if (op === 'sumSquares' && outer === 1 && inner === 1) {
      // the whole tensor (a gradient norm): fixed blocks summed in f32, their partials in f64 here
      const blocks = Math.ceil(red / SUM_SQUARES_BLOCK);
      const at = rt.scratch(8 * blocks);
      rt.run('sum_squares_blocks', [rt.ptr(x.storage), red, at], red * 0.1);
      const partials = rt.f64View(at, blocks);
      let s = 0;
      for (let b = 0; b < blocks; b++) s += partials[b]!;
      y.storage[0] = s;
      return;
    }
    rt.run(
      'reduce',
      [rt.ptr(x.storage), rt.ptr(y.storage), outer, red, inner, REDUCE_CODES[op]],
      outer * red * inner * 0.3,
    );
  };
}
