/**
 * `pnpm bench cpu-clip`: `clipGradNorm` alone on the baby GPT's 35 gradients (nanoGPT's CPU config,
 * `cpu-train-step.ts`'s BABY), three ways in one run:
 * - ours, fused: one `sumSquares` reduction per gradient, concat + sum, four scalar ops, one
 *   `scaleInPlace` over the list (what `clipGradNorm` does);
 * - ours, unfused: the per-tensor chain it replaced (square, sum, add into a running total, then a
 *   new `g.mul(coef)` tensor per gradient: about 4 ops per parameter), written out here;
 * - PyTorch's `clip_grad_norm_` with `foreach=True` and `foreach=False` (`torch_clip.py`), when
 *   python3 can import torch.
 * Each timing ends with the norm read back (`itemSync`), as a training loop that logs it would.
 * Arguments after `--`: `--threads N` (default: the machine's cores).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createModel } from '../../transformer/src/index.js';
import { clipGradNorm, createCpuBackend, noGrad, type Tensor, tensor, tidy } from '../src/index.js';
import { BABY } from './cpu-train-step.js';
import { randomF32, timeMs } from './timing.js';

/** The per-tensor clipping chain `clipGradNorm` used before the fused ops (new gradient tensors). */
function clipUnfused(params: readonly Tensor[], maxNorm: number): Tensor {
  return noGrad(() =>
    tidy(() => {
      let total: Tensor | undefined;
      for (const p of params) {
        const s = p.grad!.square().sum();
        total = total === undefined ? s : total.add(s);
      }
      const norm = total!.sqrt();
      const coef = norm.add(1e-6).rdiv(maxNorm).minimum(1);
      for (const p of params) p.grad = p.grad!.mul(coef);
      return norm;
    }),
  );
}

export async function run(args: readonly string[] = []): Promise<void> {
  const t = args.indexOf('--threads');
  const backend = createCpuBackend(t >= 0 ? { threads: Number(args[t + 1]) } : {});
  await backend.ready();
  const model = createModel(BABY, { backend, seed: 0 });
  const params = model.parameters();
  const count = params.reduce((n, p) => n + p.size, 0);
  params.forEach((p, i) => {
    p.grad = tensor(randomF32(p.size, i + 1), p.shape, 'f32', backend);
  });
  const threads = backend.info().threads;
  console.log(`baby GPT gradients: ${params.length} tensors, ${count} values; ${threads} threads`);
  const fused = () => clipGradNorm(params, 1.0);
  const unfused = () => clipUnfused(params, 1.0);
  const once = (f: () => Tensor) => () => {
    const n = f();
    n.itemSync();
    n.dispose();
  };
  const ratios: number[] = [];
  for (let round = 0; round < 3; round++) {
    const a = await timeMs(once(fused), 200, 20, 2000);
    const b = await timeMs(once(unfused), 200, 20, 2000);
    console.log(
      `  round ${round + 1}: fused ${a.toFixed(3)} ms, unfused ${b.toFixed(3)} ms [load ${loadavg()[0]!.toFixed(2)}]`,
    );
    ratios.push(b / a);
  }
  ratios.sort((x, y) => x - y);
  console.log(`clipGradNorm: unfused / fused = ${ratios[1]!.toFixed(2)}× (median of 3 rounds)`);
  try {
    const spec = JSON.stringify({ shapes: params.map((p) => p.shape), threads, reps: 200 });
    const script = fileURLToPath(new URL('./torch_clip.py', import.meta.url));
    const out = JSON.parse(execFileSync('python3', [script, spec], { encoding: 'utf8' })) as {
      torch: string;
      foreach: number;
      per_tensor: number;
    };
    console.log(
      `PyTorch ${out.torch} clip_grad_norm_: foreach ${out.foreach.toFixed(3)} ms, per tensor ${out.per_tensor.toFixed(3)} ms [load ${loadavg()[0]!.toFixed(2)}]`,
    );
  } catch (e) {
    console.log(`PyTorch not timed (python3 with torch unavailable: ${(e as Error).message.split('\n')[0]})`);
  }
  model.dispose();
  backend.dispose();
}
