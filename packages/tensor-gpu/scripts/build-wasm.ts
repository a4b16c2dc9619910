/**
 * Assembles the CPU backend's WebAssembly kernels: `src/cpu/wasm/*.wat` → two modules (plain SIMD
 * and relaxed SIMD) → `src/cpu/wasm/kernels.generated.ts` (base64), which is committed, so installing
 * or building the package needs no toolchain. Run after editing a `.wat` file:
 *
 *   pnpm --filter @llmforge/tensor-gpu build:wasm
 *
 * `test/cpu-wasm-build.test.ts` re-assembles the sources and fails when the committed bytes differ.
 *
 * The one extension to the text format: `(f32x4.madd A B C)` = A·B + C. The relaxed build emits
 * `f32x4.relaxed_madd` (one fused multiply-add where the CPU has FMA); the plain build emits
 * `(f32x4.add (f32x4.mul A B) C)`.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleKernels, KERNEL_SOURCES } from './wasm-assembler.js';

const dir = fileURLToPath(new URL('../src/cpu/wasm/', import.meta.url));

async function main(): Promise<void> {
  const sources = KERNEL_SOURCES.map((f) => ({ name: f, text: readFileSync(dir + f, 'utf8') }));
  const out = await assembleKernels(sources);
  const target = `${dir}kernels.generated.ts`;
  writeFileSync(`${target}.tmp`, out.module);
  renameSync(`${target}.tmp`, target);
  console.log(`wrote ${target}: plain ${out.plainBytes} bytes, relaxed ${out.relaxedBytes} bytes`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
