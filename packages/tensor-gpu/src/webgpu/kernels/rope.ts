/**
 * `rope` (rotate-half layout, HF Llama). For position p = offset + t and i < D/2 with
 * θ_i = theta^(−2i/D): (x_i, x_{i+D/2}) → (x_i·cos pθ_i − x_{i+D/2}·sin pθ_i, x_{i+D/2}·cos pθ_i +
 * x_i·sin pθ_i); `inverse` negates the sine (the backward).
 *
 * The angles pθ_i reach thousands of radians, where an f32 sin/cos on the GPU loses digits, so the
 * (T, D/2) cos/sin table is computed on the host in f64 (rounded once to f32) and uploaded; the
 * shader only multiplies. One thread per rotated pair.
 *
 * Params: 0 pairs (B·H·T·D/2), 1 T, 2 D/2, 3 sign of sin (±1).
 */
import { sizeOf } from '../../backend/ops.js';
import { type GpuKernel, wgslType } from '../kernel-context.js';
import { ENTRY_1D_ARGS, enables, GLOBAL_INDEX, grid1d, PARAMS_WGSL, Params } from '../wgsl.js';

/** cos/sin table: [cos(pθ_i) for t, i] followed by [sin(pθ_i) for t, i]. */
export function ropeTable(T: number, D: number, theta: number, offset: number): Float32Array {
  const half = D / 2;
  const out = new Float32Array(2 * T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const angle = (offset + t) * theta ** ((-2 * i) / D);
      out[t * half + i] = Math.cos(angle);
      out[T * half + t * half + i] = Math.sin(angle);
    }
  }
  return out;
}

export const rope: GpuKernel<'rope'> = (
  ctx,
  { inputs: { x }, outputs: { y }, attrs: { theta, offset, inverse } },
) => {
  const t = wgslType(ctx, 'rope', x.dtype);
  const [, , T, D] = x.shape as [number, number, number, number];
  const half = D / 2;
  const pairs = sizeOf(x.shape) / 2;
  if (pairs === 0) return;
  const table = ctx.upload(ropeTable(T, D, theta, offset));
  const code = /* wgsl */ `${enables(t)}${PARAMS_WGSL}
@group(0) @binding(1) var<storage, read> X: array<${t}>;
@group(0) @binding(2) var<storage, read> CS: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<${t}>;
@compute @workgroup_size(256)
fn main(${ENTRY_1D_ARGS}) {
  let j = ${GLOBAL_INDEX(256)};
  if (j >= pu(0u)) { return; }
  let T = pu(1u);
  let half = pu(2u);
  let i = j % half;
  let row = j / half;          // (b, h, t) flattened
  let tt = row % T;
  let base = row * 2u * half;
  let c = CS[tt * half + i];
  let s = CS[T * half + tt * half + i] * pf(3u);
  let x1 = f32(X[base + i]);
  let x2 = f32(X[base + i + half]);
  Y[base + i] = ${t}(x1 * c - x2 * s);
  Y[base + i + half] = ${t}(x2 * c + x1 * s);
}`;
  ctx.dispatch(
    'rope',
    code,
    [x, { buffer: table.buffer, offset: 0, size: Math.max(4, 2 * T * half * 4) }, y],
    grid1d(pairs, 256),
    new Params()
      .u32(pairs)
      .u32(T)
      .u32(half)
      .f32(inverse ? -1 : 1).buffer,
  );
};
