/**
 * One conformance case on one backend, with no test framework: builds the inputs on the backend,
 * runs the op through `runOp`, reads the outputs back and lists every mismatch against the float64
 * reference. `harness.ts` registers it with vitest for Node; the browser suites (`browser-tests/`)
 * run the same cases through it inside Chromium.
 */
import { type Backend, runOp, type Tensor, tensor } from '../../src/index.js';
import type { ConformanceCase, HostTensor } from './cases.js';

function upload(h: HostTensor, backend: Backend): Tensor {
  return tensor(h.data, h.shape, h.dtype, backend);
}

/** Runs one case on `backend`; returns a list of mismatch descriptions (empty when it conforms). */
export async function runCase(c: ConformanceCase, backend: Backend, tolScale = 1): Promise<string[]> {
  const made: Tensor[] = [];
  const up = (h: HostTensor): Tensor => {
    const t = upload(h, backend);
    made.push(t);
    return t;
  };
  try {
    const inputs: Record<string, Tensor | Tensor[]> = {};
    for (const [k, v] of Object.entries(c.inputs)) inputs[k] = Array.isArray(v) ? v.map(up) : up(v);
    const inouts: Record<string, Tensor | Tensor[]> = {};
    for (const [k, v] of Object.entries(c.inouts ?? {})) inouts[k] = Array.isArray(v) ? v.map(up) : up(v);
    const outputs = runOp(c.op, backend, inputs as never, inouts as never, c.attrs as never) as Record<
      string,
      Tensor
    >;
    made.push(...Object.values(outputs));
    // a list of in-place tensors is checked entry by entry, as `xs.0`, `xs.1`, ...
    const all: Record<string, Tensor> = { ...outputs };
    for (const [k, v] of Object.entries(inouts)) {
      if (!Array.isArray(v)) all[k] = v;
      else for (const [i, t] of v.entries()) all[`${k}.${i}`] = t;
    }
    const problems: string[] = [];
    const rtol = (c.rtol ?? 1e-5) * tolScale;
    const atol = (c.atol ?? 1e-6) * tolScale;
    for (const [name, exp] of Object.entries(c.expected)) {
      const t = all[name];
      if (!t) {
        problems.push(`${name}: missing output`);
        continue;
      }
      const got = await t.data();
      if (got.length !== exp.data.length) {
        problems.push(`${name}: ${got.length} elements, expected ${exp.data.length}`);
        continue;
      }
      let bad = 0;
      let first = '';
      for (let i = 0; i < got.length; i++) {
        const g = got[i]!;
        const e = exp.data[i]!;
        const ok = exp.exact
          ? g === e || (Number.isNaN(g) && Number.isNaN(e))
          : g === e || Math.abs(g - e) <= atol + rtol * Math.abs(e) || (Number.isNaN(g) && Number.isNaN(e));
        if (!ok) {
          if (bad === 0) first = `[${i}] got ${g}, expected ${e}`;
          bad++;
        }
      }
      if (bad > 0) problems.push(`${name}: ${bad}/${got.length} mismatches, first ${first}`);
    }
    return problems;
  } finally {
    for (const t of made) t.dispose();
  }
}

/** How much the WebGPU backend's tolerances are widened: WGSL's exp/log/sin/cos are allowed a few ulps. */
export const WEBGPU_TOL_SCALE = 4;

/**
 * The cases a WebGPU adapter skips, with the reason: the f16 cases where the adapter has no
 * `shader-f16` (llvmpipe, SwiftShader): WGSL cannot store f16 there, and the backend raises DTypeError.
 */
export function webgpuExclusions(cases: readonly ConformanceCase[], hasF16: boolean): Record<string, string> {
  const exclude: Record<string, string> = {};
  if (hasF16) return exclude;
  for (const c of cases) {
    if (c.name.includes('f16')) exclude[c.name] = 'this adapter has no shader-f16 (f16 raises DTypeError)';
  }
  return exclude;
}
