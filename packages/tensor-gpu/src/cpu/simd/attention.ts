/**
 * WebAssembly SIMD wrappers of `attention` and `attentionBackward` (`wasm/attention.wat`): each
 * (batch, head) runs its products (Q·Kᵀ, P·V and the backward's five) on the GEMM macro-kernel,
 * with the softmax rows in between. Threads split the (batch, head) pairs in the forward, the
 * (batch, kv head) pairs in the backward (so a shared kv head's gradient is summed over its query
 * heads in order).
 */
import { attentionSpec } from '../kernels/attention.js';
import type { CpuKernel } from '../kernels/kernel.js';
import type { WasmRuntime } from '../wasm/runtime.js';

const f32 = (...xs: { storage: unknown; dtype: string }[]) =>
  xs.every((x) => x.dtype === 'f32' && x.storage instanceof Float32Array);

function dims(rt: WasmRuntime, s: ReturnType<typeof attentionSpec>): number {
  return rt.ints([s.B, s.H, s.Hkv, s.T, s.S, s.D, s.causal ? 1 : 0]);
}

/** Scratch of every thread (by its slot): the GEMM's packing panels, then two T×S score matrices. */
function scratch(rt: WasmRuntime, s: ReturnType<typeof attentionSpec>): number {
  return rt.scratch((rt.query('gemm_scratch_bytes') + 8 * s.T * s.S) * rt.threads);
}

/** The kernels take the row max of scale·scores as scale·max: a positive scale (always 1/√D in practice). */
const usable = (s: ReturnType<typeof attentionSpec>) => s.scale > 0 && s.T > 0 && s.S > 0 && s.D > 0;

export function simdAttention(rt: WasmRuntime, ref: CpuKernel<'attention'>): CpuKernel<'attention'> {
  return (args) => {
    const { q, k, v } = args.inputs;
    const { o, lse } = args.outputs;
    const all = [q, k, v, o, lse];
    if (!f32(...all) || !rt.owns(...all.map((t) => t.storage))) return ref(args);
    const s = attentionSpec(q.shape, k.shape, args.attrs);
    if (!usable(s)) return ref(args);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    const at = scratch(rt, s);
    const work = s.B * s.H * s.T * s.S * (s.D * 0.1 + 2);
    rt.run('attention', [p(q), p(k), p(v), p(o), p(lse), dims(rt, s), rt.consts([s.scale]), at], work);
  };
}

export function simdAttentionBackward(
  rt: WasmRuntime,
  ref: CpuKernel<'attentionBackward'>,
): CpuKernel<'attentionBackward'> {
  return (args) => {
    const { q, k, v, o, lse, dout } = args.inputs;
    const { dq, dk, dv } = args.outputs;
    const all = [q, k, v, o, lse, dout, dq, dk, dv];
    if (!f32(...all) || !rt.owns(...all.map((t) => t.storage))) return ref(args);
    const s = attentionSpec(q.shape, k.shape, args.attrs);
    const p = (t: { storage: unknown }) => rt.ptr(t.storage as Float32Array);
    const work = s.B * s.H * s.T * s.S * s.D * (s.causal ? 0.5 : 1) * 1.5;
    const at = scratch(rt, s);
    rt.run(
      'attention_backward',
      [p(q), p(k), p(v), p(o), p(lse), p(dout), p(dq), p(dk), p(dv), dims(rt, s), rt.consts([s.scale]), at],
      work,
    );
  };
}
