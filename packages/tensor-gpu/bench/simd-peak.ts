/**
 * `pnpm bench simd-peak`: the ceiling of WebAssembly 128-bit SIMD multiply-adds on one thread of
 * this machine, next to our GEMM — what bounds the CPU backend's share of a training step.
 *
 * The loop is the GEMM micro-kernel's inner step without its surroundings: per iteration two B
 * vectors loaded from an L1-resident ring, one broadcast A value per pair of accumulators, and
 * `acc += a·b` into N independent v128 accumulators (mul + add, or the fused `relaxed_madd` with
 * `--relaxed`: Node 20 needs `--experimental-wasm-relaxed-simd`, which this bench sets). GFLOP/s
 * count 8 flops per v128 multiply-add. With 8 accumulators (our 4×8 tile) it is the kernel's own
 * limit; with 10 or 12 the registers no longer suffice (V8 has 15 allocatable XMM registers on
 * x64) and it spills. Our GEMM (`gemm.wat` via the CPU backend, one thread) at 512³ is printed
 * next to it. A CPU with 256- or 512-bit vectors runs native BLAS (PyTorch's MKL) 2–4× faster per
 * cycle than any 128-bit code can.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { createCpuBackend, matmul, tensor } from '../src/index.js';
import { randomF32, timeMs } from './timing.js';

interface Wabt {
  parseWat(
    name: string,
    text: string,
    features: Record<string, boolean>,
  ): { toBinary(o: object): { buffer: Uint8Array<ArrayBuffer> } };
}

function peakModule(wabt: Wabt, accumulators: number, fused: boolean): (n: number) => number {
  const acc = Array.from({ length: accumulators }, (_, i) => i);
  const body = acc
    .map((i) => {
      const a = `(v128.load32_splat offset=${4 * (i >> 1)} (local.get $pa))`;
      const b = `(local.get $b${i & 1})`;
      return fused
        ? `(local.set $c${i} (f32x4.relaxed_madd ${a} ${b} (local.get $c${i})))`
        : `(local.set $c${i} (f32x4.add (f32x4.mul ${a} ${b}) (local.get $c${i})))`;
    })
    .join('\n');
  const sum = acc.slice(1).reduce((s, i) => `(f32x4.add ${s} (local.get $c${i}))`, '(local.get $c0)');
  const wat = `(module (memory 1) (func (export "f") (param $n i32) (result f32)
    (local $pa i32) (local $pb i32) (local $b0 v128) (local $b1 v128) ${acc.map((i) => `(local $c${i} v128)`).join(' ')}
    (loop $l
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      ${body}
      (local.set $pa (i32.and (i32.add (local.get $pa) (i32.const 32)) (i32.const 8191)))
      (local.set $pb (i32.and (i32.add (local.get $pb) (i32.const 32)) (i32.const 16383)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (f32x4.extract_lane 0 ${sum})))`;
  const bin = wabt.parseWat('peak.wat', wat, { simd: true, relaxed_simd: true }).toBinary({}).buffer;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bin));
  return inst.exports.f as (n: number) => number;
}

async function gflops(f: (n: number) => number, accumulators: number): Promise<number> {
  // tier up to the optimising compiler first (a long first call would stay in the baseline tier)
  for (let i = 0; i < 50; i++) f(200_000);
  await new Promise((r) => setTimeout(r, 300));
  const iters = 10_000_000;
  const best: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    f(iters);
    best.push((iters * accumulators * 8) / (performance.now() - t0) / 1e6);
  }
  return Math.max(...best);
}

export async function run(args: readonly string[] = []): Promise<void> {
  const fused = args.includes('--relaxed');
  if (fused) setFlagsFromString('--experimental-wasm-relaxed-simd');
  const require = createRequire(import.meta.url);
  const wabt = (await (require('wabt') as () => Promise<Wabt>)()) as Wabt;
  console.log(`one thread, ${fused ? 'fused relaxed_madd' : 'mul + add'} (GFLOP/s, best of 3):`);
  for (const n of [4, 8, 10, 12]) {
    const g = await gflops(peakModule(wabt, n, fused), n);
    console.log(
      `  ${String(n).padStart(2)} accumulators${n === 8 ? ' (the GEMM tile)' : ''}: ${g.toFixed(1)}`,
    );
  }
  const backend = createCpuBackend({ threads: 1 });
  await backend.ready();
  const s = 512;
  const ta = tensor(randomF32(s * s, 1), [s, s], 'f32', backend);
  const tb = tensor(randomF32(s * s, 2), [s, s], 'f32', backend);
  const ms = await timeMs(() => matmul(ta, tb).dispose(), 10);
  console.log(`our GEMM, one thread, ${s}³: ${((2 * s ** 3) / ms / 1e6).toFixed(1)} GFLOP/s`);
  ta.dispose();
  tb.dispose();
  backend.dispose();
}
