/**
 * `pnpm bench` (= `tsx bench/run.ts [tiny|gpt2|all]`): forward + backward tokens/s of a tiny model and
 * a GPT-2-124M-shaped one on the CPU backend, next to PyTorch on the same machine in the same run
 * when `/usr/bin/python3` has torch (if not, says so). Our figure, the peer's and the ratio.
 */
import { presets } from '../src/config.js';
import { describeCase, measureOurs, measureTorch, type StepCase, torchStatus } from './train-step.js';

const cases: StepCase[] = [
  { name: 'tiny-gpt', config: presets['tiny-gpt'], batch: 8, seqLen: 128, steps: 5 },
  { name: 'tiny-llama', config: presets['tiny-llama'], batch: 8, seqLen: 128, steps: 5 },
  { name: 'gpt2 (124M)', config: presets.gpt2, batch: 1, seqLen: 128, steps: 2 },
];

const which = process.argv[2] ?? 'all';
const selected = cases.filter((c) => which === 'all' || c.name.startsWith(which));
const torch = torchStatus();
console.log(
  `machine: ${process.arch}, node ${process.version}; PyTorch: ${torch.ok ? torch.version : `absent (${torch.reason})`}`,
);
for (const c of selected) {
  const ours = measureOurs(c);
  let line = `${describeCase(c)}: ours ${ours.tokensPerSecond.toFixed(0)} tok/s (${ours.gflops.toFixed(2)} GFLOP/s, peak live ${ours.peakMiB.toFixed(0)} MiB)`;
  if (torch.ok) {
    const peer = measureTorch(c);
    line += `; torch ${peer.tokensPerSecond.toFixed(0)} tok/s (${peer.gflops.toFixed(2)} GFLOP/s); ours/torch ${(ours.tokensPerSecond / peer.tokensPerSecond).toFixed(2)}×`;
  } else {
    line += '; torch: not measured';
  }
  console.log(line);
  const ckpt = measureOurs(c, true);
  console.log(
    `  with activation checkpointing: ${ckpt.tokensPerSecond.toFixed(0)} tok/s (${(ckpt.tokensPerSecond / ours.tokensPerSecond).toFixed(2)}× speed), peak live ${ckpt.peakMiB.toFixed(0)} MiB (${(ckpt.peakMiB / ours.peakMiB).toFixed(2)}× memory)`,
  );
}
