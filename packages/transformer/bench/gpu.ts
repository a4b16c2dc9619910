/**
 * The GPU-machine run (bundled into `.gpu/` with `webgpu` external; see GPU.md): on the WebGPU
 * backend, (1) the fixture check (logits, loss and every gradient vs PyTorch's float64 run) and
 * (2) forward + backward tokens/s and MFU of tiny and GPT-2-124M-shaped models, plus PyTorch on the
 * same GPU in the same run when `python3` there has torch with CUDA. Prints one JSON object.
 *
 *   npx esbuild packages/transformer/bench/gpu.ts --bundle --platform=node --format=esm \
 *     --external:webgpu --conditions=@llmforge/source --outfile=.gpu/m1-transformer.mjs
 *   . .gpu/setup.sh && node .gpu/m1-transformer.mjs packages/transformer
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tensor } from '@llmforge/tensor-gpu';
import { createNodeBackend, loadSafetensors } from '@llmforge/tensor-gpu/node';
import { presets } from '../src/config.js';
import { flopsPerToken } from '../src/flops.js';
import { hfModelTypeOf } from '../src/hf-config.js';
import { toHfTensors } from '../src/hf-weights.js';
import { createModel } from '../src/model.js';
import { fromPretrained } from '../src/pretrained-node.js';

const pkg = process.argv[2] ?? '.';
const H100_F32_PEAK = 66.9e12;
const backend = await createNodeBackend();
const result: Record<string, unknown> = {};

// (1) fixtures
for (const name of ['gpt2-tiny', 'llama-tiny']) {
  const dir = `${pkg}/../../fixtures/${name}`;
  const exp = await loadSafetensors(`${dir}/expected.safetensors`);
  const model = await fromPretrained(dir, { backend });
  const ids = exp.get('input_ids')!;
  const labels = exp.get('labels')!;
  const out = model.forward(tensor(ids.data as Int32Array, ids.shape, 'i32', backend), {
    labels: tensor(labels.data as Int32Array, labels.shape, 'i32', backend),
  });
  const logits = await out.logits!.data();
  const ref = exp.get('logits')!.data as Float32Array;
  let maxLogit = 0;
  for (let i = 0; i < ref.length; i++) maxLogit = Math.max(maxLogit, Math.abs(logits[i]! - ref[i]!));
  out.loss!.backward();
  const grads = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [n, p] of model.namedParameters())
    grads.set(n, { shape: [...p.shape], data: Float32Array.from(await p.grad!.data()) });
  let worstGrad = 0;
  for (const [n, g] of toHfTensors(hfModelTypeOf(model.config), grads)) {
    const r = exp.get(`grad.${n}`)!.data as Float32Array;
    for (let i = 0; i < r.length; i++)
      worstGrad = Math.max(worstGrad, Math.abs(g.data[i]! - r[i]!) / (1e-4 * Math.abs(r[i]!) + 1e-7));
  }
  result[name] = {
    loss: await out.loss!.item(),
    referenceLoss: (exp.get('loss')!.data as Float32Array)[0],
    maxAbsLogitError: maxLogit,
    worstGradErrorOverTolerance: worstGrad,
  };
  model.dispose();
}

// (2) speed
let torchInfo = 'absent';
try {
  torchInfo = execFileSync(
    'python3',
    ['-c', 'import torch; print(torch.__version__, torch.cuda.is_available())'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  ).trim();
} catch {
  torchInfo = 'absent (no python3 with torch)';
}
result.torch = torchInfo;
const cases = process.env.FIXTURES_ONLY
  ? []
  : [
      { name: 'tiny-gpt', config: presets['tiny-gpt'], batch: 16, seqLen: 128 },
      { name: 'gpt2', config: presets.gpt2, batch: 4, seqLen: 256 },
      { name: 'gpt2', config: presets.gpt2, batch: 8, seqLen: 1024 },
    ];
const speed: unknown[] = [];
for (const c of cases) {
  const model = createModel(c.config, { backend, seed: 0 });
  const V = model.config.vocabSize;
  const ids = Array.from({ length: c.batch }, (_, b) =>
    Array.from({ length: c.seqLen }, (_, t) => (b * 31 + t * 7) % V),
  );
  const times: number[] = [];
  for (let s = 0; s < 4; s++) {
    const t0 = performance.now();
    const loss = model.forwardBackward(ids, { labels: ids });
    await loss.item();
    const dt = (performance.now() - t0) / 1000;
    loss.dispose();
    model.zeroGrad();
    if (s > 0) times.push(dt);
    if (dt > 60) break;
  }
  model.dispose();
  const sec = times.length ? times.sort((a, b) => a - b)[Math.floor(times.length / 2)]! : Number.NaN;
  const tps = (c.batch * c.seqLen) / sec;
  const entry: Record<string, unknown> = {
    name: c.name,
    batch: c.batch,
    seqLen: c.seqLen,
    secondsPerStep: sec,
    tokensPerSecond: tps,
    mfu: (tps * flopsPerToken(c.config, c.seqLen)) / H100_F32_PEAK,
  };
  if (torchInfo.endsWith('True')) {
    const { resolveConfig } = await import('../src/config.js');
    const spec = JSON.stringify({
      config: resolveConfig(c.config),
      batch: c.batch,
      seqLen: c.seqLen,
      steps: 3,
      device: 'cuda',
    });
    try {
      const s = Number(
        execFileSync('python3', [`${pkg}/bench/torch_step.py`, spec], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .pop(),
      );
      entry.torchTokensPerSecond = (c.batch * c.seqLen) / s;
      entry.oursOverTorch = tps / ((c.batch * c.seqLen) / s);
    } catch (e) {
      entry.torchError = String((e as Error).message).slice(0, 300);
    }
  }
  speed.push(entry);
  console.log(JSON.stringify(entry));
  if (!(sec < 60)) break;
}
result.speed = speed;
const text = JSON.stringify(result, null, 2);
console.log(text);
if (process.env.OUT) writeFileSync(`${process.env.OUT}/m1-transformer.json`, text);
backend.dispose();
process.exit(0);
