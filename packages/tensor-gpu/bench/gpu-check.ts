/**
 * Kernel check for a GPU machine (where the test runner cannot go): every case of
 * test/webgpu-cases.ts on the WebGPU backend against the CPU kernels, in f32, and — where the adapter
 * has `shader-f16` (llvmpipe has not, so the tests never reach them) — again with every float tensor
 * in f16 (the CPU reference gets the same values rounded to half precision, in f32). Prints one line
 * per failure and a summary; exits 1 on any failure.
 *
 *   bundle: npx esbuild bench/gpu-check.ts --bundle --platform=node --format=esm --external:webgpu \
 *             --outfile=../../.gpu/g2-check.mjs
 *   run:    . .gpu/setup.sh && node .gpu/g2-check.mjs
 */
import type { TypedArray } from '../src/backend/dtype.js';
import { fromF16Bits } from '../src/backend/dtype.js';
import { kernelCases } from '../test/webgpu-cases.js';
import { openWebGPU, relErr, runBoth, toHalf } from '../test/webgpu-helpers.js';

/** Ops whose f16 run is not comparable to an f32 reference (integer/ordering outputs, generators). */
const NO_F16 = new Set([
  'argmax',
  'topK',
  'sampleTokens',
  'cast',
  'fill',
  'arange',
  'randomUniform',
  'randomNormal',
]);

function decode(a: TypedArray): Float64Array {
  return a instanceof Uint16Array ? Float64Array.from(a, fromF16Bits) : Float64Array.from(a);
}

async function main(): Promise<void> {
  const { backend } = await openWebGPU(); // without an adapter: skips (or throws under CI=true)
  if (!backend) process.exit(1);
  console.log(
    `gpu-check: f16 ${backend.caps.f16 ? 'yes' : 'no'}, subgroups ${backend.caps.subgroups ? 'yes' : 'no'}`,
  );
  let failed = 0;
  let passed = 0;
  for (const c of kernelCases()) {
    const variants: Array<'f32' | 'f16'> = ['f32'];
    const floatInputs = Object.values(c.inputs).some(
      (v) => v && (Array.isArray(v) ? v[0]?.dtype : v.dtype) === 'f32',
    );
    if (backend.caps.f16 && !NO_F16.has(c.op) && floatInputs && !c.name.includes('i32')) variants.push('f16');
    for (const dt of variants) {
      try {
        let out: { cpu: Record<string, TypedArray>; gpu: Record<string, TypedArray> };
        if (dt === 'f32') {
          out = await runBoth(backend, c.op, c.inputs, c.attrs, c.inouts ?? {});
        } else {
          const i = toHalf(c.inputs);
          const io = toHalf(c.inouts ?? {});
          out = await runBoth(backend, c.op, i.rounded, c.attrs, io.rounded, {
            inputs: i.half,
            inouts: io.half,
          });
        }
        const tol = dt === 'f16' ? Math.max(c.tol ?? 0, 2e-2) : (c.tol ?? 0);
        for (const key of Object.keys(out.cpu)) {
          const err = relErr(decode(out.gpu[key]!), decode(out.cpu[key]!));
          if (!(err <= tol)) {
            failed++;
            console.log(`FAIL ${dt} ${c.name} ${key}: rel err ${err} > ${tol}`);
          } else passed++;
        }
      } catch (e) {
        failed++;
        console.log(`FAIL ${dt} ${c.name}: ${(e as Error).message.slice(0, 300)}`);
      }
    }
  }
  console.log(`gpu-check: ${passed} outputs match, ${failed} fail`);
  backend.dispose();
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
