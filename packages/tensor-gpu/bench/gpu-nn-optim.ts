/**
 * G3's checks on a real GPU: nn / optim / io through the WebGPU backend, against the PyTorch AdamW
 * fixture and the CPU backend, plus one timing (an AdamW step over GPT-2-124M-sized parameters).
 *
 * Bundle and run (see docs/nn-optim-io.md and ../shared/docs/GPU.md):
 *   node_modules/.bin/esbuild packages/tensor-gpu/bench/gpu-nn-optim.ts --bundle --platform=node \
 *     --format=esm --external:webgpu --outfile=.gpu/g3-check.mjs
 *   (device) . .gpu/setup.sh && node .gpu/g3-check.mjs     from the repo root (reads the fixtures)
 */
import { readFileSync } from 'node:fs';
import {
  AdamW,
  type Backend,
  clipGradNorm,
  cosineSchedule,
  createCpuBackend,
  Dropout,
  decodeSafetensors,
  LayerNorm,
  Linear,
  Module,
  memory,
  RandomGenerator,
  SGD,
  type Tensor,
  tensor,
  tidy,
  toSafetensorsInput,
} from '../src/index.js';
import { createNodeBackend } from '../src/node.js';

const results: Record<string, unknown> = {};
const fail: string[] = [];
const check = (name: string, ok: boolean, detail: unknown) => {
  results[name] = { ok, detail };
  if (!ok) fail.push(name);
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${JSON.stringify(detail)}`);
};

const gpu = await createNodeBackend();
const cpu = createCpuBackend();
const FIX = 'fixtures/gpt2-tiny';

// 1. AdamW one step vs torch
{
  const model = decodeSafetensors(new Uint8Array(readFileSync(`${FIX}/model.safetensors`)));
  const expected = decodeSafetensors(new Uint8Array(readFileSync(`${FIX}/expected.safetensors`)));
  const h = JSON.parse(readFileSync(`${FIX}/expected.json`, 'utf8')).adamw;
  const names = [...model.keys()];
  const params = names.map((n) => {
    const p = tensor(model.get(n)!.data as Float32Array, model.get(n)!.shape, 'f32', gpu).requireGrad();
    p.grad = tensor(expected.get(`grad.${n}`)!.data as Float32Array, p.shape, 'f32', gpu);
    return p;
  });
  const opt = new AdamW(params, { lr: h.lr, betas: h.betas, eps: h.eps, weightDecay: h.weight_decay });
  opt.step();
  let worst = 0;
  for (const [i, n] of names.entries()) {
    const ours = await params[i]!.data();
    const ref = expected.get(`after_adamw.${n}`)!.data as Float32Array;
    for (let j = 0; j < ref.length; j++)
      worst = Math.max(worst, Math.abs(ours[j]! - ref[j]!) / (1e-6 * Math.abs(ref[j]!) + 1e-8));
  }
  check('adamw-fixture-h100', worst <= 2, { worstErrorOverTolerance: worst });
  opt.dispose();
  for (const p of params) p.dispose();
}

// 2. README example on both backends: same losses
async function readme(backend: Backend): Promise<number[]> {
  const gen = new RandomGenerator(42);
  class Mlp extends Module {
    fc1 = this.registerModule('fc1', new Linear(2, 32, { generator: gen, backend }));
    fc2 = this.registerModule('fc2', new Linear(32, 1, { generator: gen, backend }));
    forward(x: Tensor): Tensor {
      return tidy(() => this.fc2.forward(this.fc1.forward(x).tanh()));
    }
  }
  const xs = gen.uniformArray(256 * 2, -1, 1);
  const x = tensor(xs, [256, 2], 'f32', backend);
  const y = tensor(
    Float32Array.from({ length: 256 }, (_, i) => xs[2 * i]! * xs[2 * i + 1]!),
    [256, 1],
    'f32',
    backend,
  );
  const model = new Mlp();
  const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0 });
  const schedule = cosineSchedule({ lr: 1e-2, warmupSteps: 20, totalSteps: 300 });
  const losses: number[] = [];
  for (let step = 0; step < 300; step++) {
    opt.setLr(schedule(step));
    const loss = tidy(() => model.forward(x).sub(y).square().mean());
    loss.backward();
    opt.step();
    opt.zeroGrad();
    if (step % 100 === 99) losses.push(await loss.item());
    loss.dispose();
  }
  model.dispose();
  opt.dispose();
  x.dispose();
  y.dispose();
  return losses;
}
{
  const a = await readme(cpu);
  const b = await readme(gpu);
  const rel = Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / v));
  check('readme-example-cpu-vs-h100', rel < 1e-2, { cpu: a, gpu: b, maxRel: rel });
}

// 3. seeded run with dropout + clipping + SGD + AdamW, CPU vs GPU, and flat memory on the GPU
class Net extends Module {
  ln: LayerNorm;
  fc1: Linear;
  drop: Dropout;
  fc2: Linear;
  constructor(backend: Backend, seed: number) {
    super();
    const gen = new RandomGenerator(seed);
    this.ln = this.registerModule('ln', new LayerNorm(64, { backend }));
    this.fc1 = this.registerModule('fc1', new Linear(64, 256, { generator: gen, backend }));
    this.drop = this.registerModule('drop', new Dropout(0.2, { generator: gen.fork() }));
    this.fc2 = this.registerModule('fc2', new Linear(256, 8, { generator: gen, backend }));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc2.forward(this.drop.forward(this.fc1.forward(this.ln.forward(x)).gelu('tanh'))));
  }
}
async function seeded(backend: Backend) {
  const net = new Net(backend, 7);
  const gen = new RandomGenerator(3);
  const x = tensor(gen.normalArray(32 * 64), [32, 64], 'f32', backend);
  const y = tensor(gen.normalArray(32 * 8), [32, 8], 'f32', backend);
  const sgd = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
  const adam = new AdamW(net.parameters(), { lr: 1e-3 });
  const losses: number[] = [];
  let at120 = memory(backend);
  for (let step = 1; step <= 300; step++) {
    const loss = tidy(() => net.forward(x).sub(y).square().mean());
    loss.backward();
    if (step % 50 === 0) losses.push(await loss.item());
    loss.dispose();
    clipGradNorm(net.parameters(), 1).dispose();
    (step <= 100 ? sgd : adam).step();
    net.zeroGrad();
    if (step === 120) {
      await backend.sync();
      at120 = memory(backend);
    }
  }
  await backend.sync();
  const at300 = memory(backend);
  const host = await toSafetensorsInput(net.stateDict());
  net.dispose();
  sgd.dispose();
  adam.dispose();
  x.dispose();
  y.dispose();
  return {
    losses,
    flat: at300.liveBytes === at120.liveBytes && at300.liveTensors === at120.liveTensors,
    host,
    at120,
    at300,
  };
}
{
  const a = await seeded(cpu);
  const b = await seeded(gpu);
  const rel = Math.max(...a.losses.map((v, i) => Math.abs(v - b.losses[i]!) / v));
  check('seeded-run-cpu-vs-h100', rel < 1e-3, { cpu: a.losses, gpu: b.losses, maxRel: rel });
  check('memory-flat-h100', b.flat, { at120: b.at120.liveBytes, at300: b.at300.liveBytes });
}

// 4. timing (informational): AdamW step over GPT-2-124M-sized parameters on the GPU
{
  const shapes = [
    [50257, 768],
    [1024, 768],
    ...Array.from({ length: 12 }, () => [
      [768, 2304],
      [2304],
      [768, 768],
      [768],
      [768, 3072],
      [3072],
      [3072, 768],
      [768],
      [768],
      [768],
      [768],
      [768],
    ]).flat(),
  ];
  const gen = new RandomGenerator(1);
  const params = shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    const p = tensor(gen.normalArray(n, 0, 0.02), s, 'f32', gpu).requireGrad();
    p.grad = tensor(gen.normalArray(n, 0, 1e-3), s, 'f32', gpu);
    return p;
  });
  const count = params.reduce((s, p) => s + p.size, 0);
  const opt = new AdamW(params, { lr: 6e-4, betas: [0.9, 0.95], weightDecay: 0.1 });
  opt.step();
  await gpu.sync();
  const t0 = performance.now();
  const iters = 20;
  for (let i = 0; i < iters; i++) opt.step();
  await gpu.sync();
  const ms = (performance.now() - t0) / iters;
  // bytes touched per step: read p, g, m, v and write p, m, v = 7 × 4 bytes per parameter
  check('adamw-124m-step-h100', true, { params: count, msPerStep: ms, GBps: (count * 28) / (ms * 1e6) });
  opt.dispose();
}

gpu.dispose();
cpu.dispose();
const out = process.env.OUT;
if (out) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${out}/g3-gpu-check.json`, JSON.stringify({ results, fail }, null, 2));
}
console.log(fail.length === 0 ? 'ALL PASS' : `FAILED: ${fail.join(', ')}`);
process.exitCode = fail.length === 0 ? 0 : 1;
