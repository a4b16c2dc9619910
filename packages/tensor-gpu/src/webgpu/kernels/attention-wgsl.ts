/**
 * Shared pieces of the attention kernels: the parameter layout, the index math of (B, H, T, D)
 * tensors with grouped KV heads, and a 64-wide workgroup reduction.
 *
 * Params: 0 rows (B·H·T for q-row kernels, B·Hkv·S for k-row kernels), 1 B, 2 H, 3 Hkv, 4 T, 5 S,
 * 6 D, 7 causal (0/1), 8 scale. Query head h reads KV head h / (H/Hkv) (= ⌊h·Hkv/H⌋); with `causal`,
 * query t sees keys j ≤ t + (S − T) (the KV-cache offset).
 */
import { BackendError, formatShape } from '../../errors.js';
import type { GpuTensor } from '../kernel-context.js';
import { Params } from '../wgsl.js';
import { ROW_INDEX, workgroupReduceWgsl } from './row-wgsl.js';

/** Threads per attention workgroup (one row of keys or queries per block of 64). */
export const ATT_WG = 64;
/** Largest head size: each thread keeps ⌈D/64⌉ ≤ 4 accumulators. */
export const MAX_HEAD_DIM = 256;

/** `wgSum` / `wgMax` over the 64 threads of an attention workgroup (see `row-wgsl.ts`). */
export const ATT_REDUCE_WGSL = workgroupReduceWgsl(ATT_WG);

/**
 * The start of a q-row kernel's `main` (entry arguments `ROW_ENTRY_ARGS`): `row` is one query
 * (b, h, tq), `kvh` its KV head, `qBase`/`kBase` the offsets of its q row and of its head's keys,
 * plus the shape numbers and `scale`; padding workgroups return.
 */
export const Q_ROW_WGSL = /* wgsl */ `${ROW_INDEX}
  let H = pu(2u); let Hkv = pu(3u); let T = pu(4u); let S = pu(5u); let D = pu(6u);
  let tq = row % T;
  let bh = row / T;
  let h = bh % H;
  let b = bh / H;
  let kvh = h / (H / Hkv);
  let qBase = row * D;
  let kBase = (b * Hkv + kvh) * S * D;
  let scale = pf(8u);`;

/** Shape numbers and the params buffer of an attention call. */
export function attentionParams(
  op: string,
  q: GpuTensor,
  k: GpuTensor,
  causal: boolean,
  scale: number,
  rowsOf: 'q' | 'k',
): { B: number; H: number; Hkv: number; T: number; S: number; D: number; rows: number; params: ArrayBuffer } {
  const [B, H, T, D] = q.shape as [number, number, number, number];
  const [, Hkv, S] = k.shape as [number, number, number, number];
  if (D > MAX_HEAD_DIM) {
    throw new BackendError({
      operation: op,
      expected: `head size D ≤ ${MAX_HEAD_DIM} on the WebGPU backend`,
      found: `q ${formatShape(q.shape)}`,
      hint: 'split heads further, or use the CPU backend',
    });
  }
  const rows = rowsOf === 'q' ? B * H * T : B * Hkv * S;
  const params = new Params()
    .u32(rows)
    .u32(B)
    .u32(H)
    .u32(Hkv)
    .u32(T)
    .u32(S)
    .u32(D)
    .u32(causal ? 1 : 0)
    .f32(scale).buffer;
  return { B, H, Hkv, T, S, D, rows, params };
}
