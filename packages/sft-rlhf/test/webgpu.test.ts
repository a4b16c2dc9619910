/**
 * The losses on the WebGPU backend (Dawn; Mesa llvmpipe on machines without a GPU) against the
 * CPU backend, f32 on both: values and gradients agree, and a fully masked SFT micro-batch gives
 * 0 and zero gradients there too. Under CI=true a missing adapter fails; elsewhere the test is
 * skipped with the reason printed.
 */
import { type Backend, createCpuBackend, type Tensor, tensor, tidy } from '@llmforge/tensor-gpu';
import { createModel } from '@llmforge/transformer';
import { describe, expect, it } from 'vitest';
import {
  bradleyTerryLoss,
  dpoLoss,
  entropyFromLogits,
  gae,
  groupAdvantages,
  grpoLoss,
  IGNORE_INDEX,
  klEstimate,
  maskedWhiten,
  ppoLoss,
  sftLoss,
} from '../src/index.js';
import { tinyConfig } from './helpers/chat.js';

async function openBackend(): Promise<{ backend?: Backend; reason?: string }> {
  try {
    const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
    return { backend: await createNodeBackend() };
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return { reason: (e as Error).message };
  }
}

const lp = [-1.1, -0.3, -2.0, -0.7, -1.5, -0.2];
const old = [-1.0, -0.5, -1.8, -0.7, -1.2, -0.9];
const ref = [-1.3, -0.4, -1.9, -0.6, -1.0, -0.4];
const adv = [1.0, -0.5, 0.3, -1.2, 0.8, 0.1];
const mask = [1, 1, 1, 1, 1, 0];
const vals = [0.2, 0.4, -0.1, 0.5, 0.0, 0.3];
const rets = [1.0, 0.1, 0.2, 0.3, -0.4, 0.0];

/** Every loss of the package on one backend: values, and the gradient of the PPO loss. */
async function run(backend: Backend): Promise<number[]> {
  const t = (d: number[], shape: number[]) => tensor(Float32Array.from(d), shape, 'f32', backend);
  const logProbs = t(lp, [2, 3]).requireGrad();
  const outs = tidy(() => {
    const ppo = ppoLoss({
      logProbs,
      oldLogProbs: t(old, [2, 3]),
      advantages: t(adv, [2, 3]),
      mask: t(mask, [2, 3]),
      values: t(vals, [2, 3]),
      oldValues: t(
        vals.map((v) => v - 0.3),
        [2, 3],
      ),
      returns: t(rets, [2, 3]),
    });
    const grpo = grpoLoss({
      logProbs: t(lp, [2, 3]),
      oldLogProbs: t(old, [2, 3]),
      advantages: groupAdvantages(t([1, 0], [2]), 2),
      mask: t(mask, [2, 3]),
      beta: 0.04,
      refLogProbs: t(ref, [2, 3]),
    });
    const dpo = dpoLoss({
      policyChosen: t([-3, -4], [2]),
      policyRejected: t([-5, -3], [2]),
      refChosen: t([-3.5, -4], [2]),
      refRejected: t([-4, -3.2], [2]),
    });
    const bt = bradleyTerryLoss({
      chosen: t([2, 0.5], [2]),
      rejected: t([0, 1], [2]),
      margin: [0.5, 0],
      centerCoefficient: 0.01,
    });
    return [
      ppo.loss,
      ppo.clipFraction,
      ppo.valueLoss,
      grpo.loss,
      dpo.loss,
      bt.loss,
      maskedWhiten(t(adv, [2, 3]), t(mask, [2, 3])),
      entropyFromLogits(t(lp, [2, 3])),
      klEstimate(t(lp, [2, 3]), t(ref, [2, 3]), 'k3'),
    ];
  });
  outs[0]!.backward();
  const { advantages } = await gae(t(rets, [2, 3]), t(vals, [2, 3]), t(mask, [2, 3]));
  const read = async (x: Tensor) => Array.from(await x.data());
  const all = [
    ...(await Promise.all(outs.map(read))).flat(),
    ...(await read(logProbs.grad!)),
    ...(await read(advantages)),
  ];
  for (const x of [...outs, logProbs, advantages]) x.dispose();
  return all;
}

describe('losses on WebGPU', () => {
  it('agree with the CPU backend, and a fully masked SFT batch is 0 with zero gradients', async (ctx) => {
    const { backend, reason } = await openBackend();
    if (!backend) {
      console.warn(`WebGPU test skipped: no adapter (${reason})`);
      ctx.skip();
      return;
    }
    const cpu = await run(createCpuBackend({ name: 'losses-cpu' }));
    const gpu = await run(backend);
    expect(gpu).toHaveLength(cpu.length);
    gpu.forEach((g, i) => {
      expect(Math.abs(g - cpu[i]!), `value ${i}: gpu ${g}, cpu ${cpu[i]}`).toBeLessThan(1e-5);
    });

    const model = createModel(tinyConfig(48, 16), { backend, seed: 3 });
    const ids = [
      [1, 5, 9, 12],
      [2, 8, 8, 30],
    ];
    const masked = ids.map((r) => r.map(() => IGNORE_INDEX));
    const { loss } = tidy(() => sftLoss(model.forward(ids).logits!, masked));
    const own = model.forward(ids, { labels: masked }).loss!;
    expect(Array.from(await loss.data())).toEqual([0]);
    expect(Array.from(await own.data())).toEqual([0]);
    loss.backward();
    for (const p of model.parameters()) {
      if (p.grad) expect((await p.grad.data()).every((x) => x === 0)).toBe(true);
    }
  });
});
