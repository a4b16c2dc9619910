/**
 * nn / optim / io on the WebGPU backend (Dawn: Vulkan, else OpenGL ES through llvmpipe), checked
 * against PyTorch's AdamW fixture and against the same code on the CPU backend. Without an adapter
 * the suite is skipped with the reason in its name (under CI=true a missing adapter fails, see
 * webgpu-helpers.ts).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AdamW,
  type Backend,
  clipGradNorm,
  createCpuBackend,
  Dropout,
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
  type WebGPUBackend,
} from '../src/index.js';
import { loadSafetensors } from '../src/node.js';
import { openWebGPU } from './webgpu-helpers.js';

const webgpu = await openWebGPU();
afterAll(() => webgpu.backend?.dispose());
/** The backend: only the suite skipped without an adapter uses it. */
const gpu = webgpu.backend as WebGPUBackend;
const cpu = createCpuBackend();

function expectClose(
  ours: ArrayLike<number>,
  theirs: ArrayLike<number>,
  rtol: number,
  atol: number,
  what: string,
): void {
  expect(ours.length).toBe(theirs.length);
  for (let i = 0; i < ours.length; i++) {
    const err = Math.abs(ours[i]! - theirs[i]!);
    if (err > atol + rtol * Math.abs(theirs[i]!)) expect.fail(`${what}[${i}]: ${ours[i]} vs ${theirs[i]}`);
  }
}

class Net extends Module {
  ln: LayerNorm;
  fc1: Linear;
  drop: Dropout;
  fc2: Linear;
  constructor(backend: Backend, seed: number) {
    super();
    const gen = new RandomGenerator(seed);
    this.ln = this.registerModule('ln', new LayerNorm(6, { backend }));
    this.fc1 = this.registerModule('fc1', new Linear(6, 16, { generator: gen, backend }));
    this.drop = this.registerModule('drop', new Dropout(0.2, { generator: gen.fork() }));
    this.fc2 = this.registerModule('fc2', new Linear(16, 2, { generator: gen, backend }));
  }
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc2.forward(this.drop.forward(this.fc1.forward(this.ln.forward(x)).gelu('tanh'))));
  }
}

describe.skipIf(webgpu.skip)(webgpu.title('nn and optim on WebGPU'), () => {
  it('AdamW: one step on the gpt2-tiny fixture matches torch.optim.AdamW', async () => {
    const dir = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'gpt2-tiny');
    const model = await loadSafetensors(join(dir, 'model.safetensors'));
    const expected = await loadSafetensors(join(dir, 'expected.safetensors'));
    const h = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')).adamw;
    const names = [...model.keys()];
    const params = names.map((n) => {
      const p = tensor(model.get(n)!.data as Float32Array, model.get(n)!.shape, 'f32', gpu).requireGrad();
      p.grad = tensor(expected.get(`grad.${n}`)!.data as Float32Array, p.shape, 'f32', gpu);
      return p;
    });
    const opt = new AdamW(params, { lr: h.lr, betas: h.betas, eps: h.eps, weightDecay: h.weight_decay });
    opt.step();
    for (const [i, n] of names.entries()) {
      const ref = expected.get(`after_adamw.${n}`)!.data as Float32Array;
      expectClose(await params[i]!.data(), ref, 2e-6, 1e-7, n);
    }
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it('the same seeded training run (dropout, clipping, SGD then AdamW) gives the same numbers on CPU and WebGPU', async () => {
    const run = async (backend: Backend) => {
      const net = new Net(backend, 7);
      const gen = new RandomGenerator(3);
      const x = tensor(gen.normalArray(10 * 6), [10, 6], 'f32', backend);
      const y = tensor(gen.normalArray(10 * 2), [10, 2], 'f32', backend);
      const sgd = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 });
      const adam = new AdamW(net.parameters(), { lr: 1e-2 });
      const losses: number[] = [];
      const norms: number[] = [];
      let mask: Float32Array | undefined;
      for (let step = 0; step < 8; step++) {
        const out = net.forward(x);
        if (step === 0) mask = Float32Array.from(await out.data());
        const loss = tidy(() => out.sub(y).square().mean());
        out.dispose();
        loss.backward();
        losses.push(await loss.item());
        loss.dispose();
        const norm = clipGradNorm(net.parameters(), 0.5);
        norms.push(await norm.item());
        norm.dispose();
        (step < 4 ? sgd : adam).step();
        net.zeroGrad();
      }
      const host = await toSafetensorsInput(net.stateDict());
      net.dispose();
      sgd.dispose();
      adam.dispose();
      x.dispose();
      y.dispose();
      return { losses, norms, mask: mask!, host };
    };
    const a = await run(cpu);
    const b = await run(gpu);
    expectClose(b.mask, a.mask, 1e-5, 1e-6, 'first output');
    // Dropout zeroed the same hidden units: outputs agree to rounding, so the masks are identical.
    expectClose(b.losses, a.losses, 1e-4, 1e-6, 'loss');
    expectClose(b.norms, a.norms, 1e-4, 1e-6, 'grad norm');
    for (const [k, t] of a.host) expectClose(b.host.get(k)!.data, t.data, 1e-3, 1e-5, k);
  });

  it('loadStateDict moves CPU weights onto the GPU model (host data) and back', async () => {
    const src = new Net(cpu, 1).eval();
    const dst = new Net(gpu, 2).eval();
    dst.loadStateDict(await toSafetensorsInput(src.stateDict()));
    const x = new RandomGenerator(5).normalArray(4 * 6);
    const ya = await src.forward(tensor(x, [4, 6], 'f32', cpu)).data();
    const yb = await dst.forward(tensor(x, [4, 6], 'f32', gpu)).data();
    expectClose(yb, ya, 1e-5, 1e-6, 'eval output');
    // CPU tensors load straight into the GPU model; GPU tensors into a CPU model must be read first.
    const again = new Net(gpu, 3).eval();
    again.loadStateDict(src.stateDict());
    expectClose(
      await again.forward(tensor(x, [4, 6], 'f32', gpu)).data(),
      ya,
      1e-5,
      1e-6,
      'after CPU → GPU load',
    );
    const onCpu = new Net(cpu, 4);
    expect(() => onCpu.loadStateDict(dst.stateDict())).toThrow(/toSafetensorsInput/);
    for (const m of [src, dst, again, onCpu]) m.dispose();
  });

  it('memory stays flat: live bytes after step 20 equal those after step 200', async () => {
    const g = gpu;
    const net = new Net(g, 11);
    const opt = new AdamW(net.parameters(), { lr: 1e-3 });
    const gen = new RandomGenerator(0);
    const x = tensor(gen.normalArray(8 * 6), [8, 6], 'f32', g);
    const y = tensor(gen.normalArray(8 * 2), [8, 2], 'f32', g);
    let at20 = memory(g);
    for (let step = 1; step <= 200; step++) {
      const loss = tidy(() => net.forward(x).sub(y).square().mean());
      loss.backward();
      loss.dispose();
      clipGradNorm(net.parameters(), 1).dispose();
      opt.step();
      opt.zeroGrad();
      if (step === 20) {
        await g.sync();
        at20 = memory(g);
      }
    }
    await g.sync();
    const at200 = memory(g);
    expect(at200.liveBytes).toBe(at20.liveBytes);
    expect(at200.liveTensors).toBe(at20.liveTensors);
    net.dispose();
    opt.dispose();
    x.dispose();
    y.dispose();
  });
});
