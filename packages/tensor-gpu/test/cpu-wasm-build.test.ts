/**
 * The committed WebAssembly kernels (`src/cpu/wasm/kernels.generated.ts`) are exactly what
 * `pnpm build:wasm` assembles from the `.wat` sources today, both builds validate here, and the
 * `f32x4.madd` expansion does what the build script's documentation says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleKernels, expandMadd, KERNEL_SOURCES } from '../scripts/wasm-assembler.js';

const dir = new URL('../src/cpu/wasm/', import.meta.url);

describe('the WebAssembly kernels build', () => {
  it('the committed module matches the .wat sources (run `pnpm build:wasm` after editing them)', async () => {
    const sources = KERNEL_SOURCES.map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
    const built = await assembleKernels(sources);
    expect(readFileSync(new URL('kernels.generated.ts', dir), 'utf8')).toBe(built.module);
    expect(WebAssembly.validate(new Uint8Array(built.plain))).toBe(true);
  });

  it('f32x4.madd becomes mul + add (plain) or relaxed_madd (relaxed), nested ones included', () => {
    const src =
      '(f32x4.madd (local.get $a) (f32x4.madd (local.get $b) (local.get $c) (local.get $d)) (local.get $e))';
    expect(expandMadd(src, false)).toBe(
      '(f32x4.add (f32x4.mul (local.get $a) (f32x4.add (f32x4.mul (local.get $b) (local.get $c)) (local.get $d))) (local.get $e))',
    );
    expect(expandMadd(src, true)).toBe(
      '(f32x4.relaxed_madd (local.get $a) (f32x4.relaxed_madd (local.get $b) (local.get $c) (local.get $d)) (local.get $e))',
    );
  });
});
