/**
 * `pnpm bench` (= `tsx --conditions=@llmforge/source bench/run.ts`): decoding speed on the CPU
 * backend with a tiny model; see `decode.ts`. Prints our figures and the ratios (KV cache vs full
 * recomputation at 64/256/512 tokens of context; one shared prefill vs separate calls).
 */
import { perTokenMs, samplesThroughput, tinyModel } from './decode.js';

const model = tinyModel();
const c = model.config;
console.log(
  `machine: ${process.arch}, node ${process.version}; model tiny-gpt (${c.nLayer} layers, ${c.nEmbd} wide, vocab ${c.vocabSize}), CPU backend`,
);
// warm-up (JIT, buffer pools)
await perTokenMs(model, 64, true, 4, 1);
for (const context of [64, 256, 512]) {
  const cached = await perTokenMs(model, context, true, 16, 2);
  const full = await perTokenMs(model, context, false, 4, 2);
  console.log(
    `context ${context}: with KV cache ${cached.toFixed(2)} ms/token, without ${full.toFixed(2)} ms/token; speed-up ${(full / cached).toFixed(1)}×`,
  );
}
for (const n of [4, 8]) {
  const t = await samplesThroughput(model, 256, n, 32, 3);
  console.log(
    `${n} samples of 32 tokens after a 256-token prompt: one prefill ${t.shared.toFixed(0)} tok/s, separate calls ${t.separate.toFixed(0)} tok/s; ratio ${(t.shared / t.separate).toFixed(2)}×`,
  );
}
