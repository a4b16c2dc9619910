/**
 * Deterministic column sums over many rows, used by the norm backwards for dweight/dbias:
 * stage 1 — thread (c, chunk) sums `rowsPerChunk` rows of column c into partial[chunk, c];
 * stage 2 — thread c sums its column of partial. Both in a fixed order (same bits every run), and
 * with (C/64)·chunks workgroups instead of C/64, so a (16384, 768) gradient keeps the GPU busy.
 */
import type { KernelContext } from '../kernel-context.js';
import { PARAMS_WGSL, Params } from '../wgsl.js';

/** Rows per stage-1 chunk for `rows` rows. */
export function rowsPerChunk(rows: number): number {
  return Math.max(16, Math.ceil(rows / 256));
}

/**
 * Records stage 2: out[c] (dtype `t`) = Σ_k partial[k·C + c] for k < chunks. `partial` is f32.
 */
export function encodeColumnSum(
  ctx: KernelContext,
  op: string,
  t: string,
  partial: GPUBuffer,
  out: Parameters<KernelContext['dispatch']>[2][number],
  chunks: number,
  C: number,
): void {
  const code = /* wgsl */ `${t === 'f16' ? 'enable f16;\n' : ''}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> PART: array<f32>;
@group(0) @binding(2) var<storage, read_write> OUT: array<${t}>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let C = pu(0u);
  if (c >= C) { return; }
  var acc = 0.0;
  for (var k = 0u; k < pu(1u); k++) { acc += PART[k * C + c]; }
  OUT[c] = ${t}(acc);
}`;
  ctx.dispatch(
    op,
    code,
    [{ buffer: partial }, out],
    [Math.ceil(C / 64)],
    new Params().u32(C).u32(chunks).buffer,
  );
}
