/**
 * The committed WebAssembly kernels (`src/cpu/wasm/kernels.generated.ts`) are exactly what
 * `pnpm build:wasm` assembles from the `.wat` sources today, both builds validate here, and the
 * `f32x4.madd` expansion does what the build script's documentation says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleKernels, expandMadd, inlineCalls, KERNEL_SOURCES } from '../scripts/wasm-assembler.js';

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

  it('calls of (@inline) functions become blocks: arguments bound, locals renamed and zeroed, return a branch', async () => {
    const src = `(module
(func $sq (@inline) (param $x f32) (result f32) (local $t f32)
  (local.set $t (f32.mul (local.get $x) (local.get $x)))
  (if (f32.lt (local.get $t) (f32.const 1)) (then (return (f32.const 1))))
  (local.get $t))
(func $f (export "f") (param $a f32) (result f32) (local $x f32)
  (local.set $x (f32.const 10))
  (f32.add (call $sq (local.get $a)) (call $sq (f32.add (local.get $x) (call $sq (local.get $a))))))
)`;
    const out = inlineCalls(src);
    expect(out).not.toContain('call $sq');
    expect(out).not.toContain('func $sq');
    const wabt = await (await import('wabt')).default();
    const mod = wabt.parseWat('t.wat', out, {});
    const bytes = new Uint8Array(mod.toBinary({}).buffer);
    mod.destroy();
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as (a: number) => number;
    const sq = (v: number) => Math.max(1, Math.fround(v * v));
    for (const a of [0.5, 2, -3]) expect(f(a)).toBe(Math.fround(sq(a) + sq(Math.fround(10 + sq(a)))));
  });
});
