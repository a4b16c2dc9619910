/**
 * A model computing NaN logits: generation raises NonFiniteLogitsError naming the step and the
 * sequence, on every path: host sampling (greedy, filters, penalties, logprobs), beam search, and
 * device sampling (tensor-gpu's sampleTokens flags the row; nothing extra is read back), on the CPU
 * and, where an adapter exists, on WebGPU. It used to return token 0 on the CPU and id -1 on WebGPU.
 */
import { noGrad, tensor } from '@llmforge/tensor-gpu';
import type { Model } from '@llmforge/transformer';
import { fromPretrained } from '@llmforge/transformer/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GenerateOptions, generate, NonFiniteLogitsError, processLogits } from '../src/index.js';
import { fixtureDir, loadModel } from './helpers/models.js';

/** Sets row `token` of the token embedding to NaN: any input holding it gives NaN logits. */
async function poisonToken(model: Model, token: number): Promise<void> {
  const w = model.wte.weight;
  const C = model.config.nEmbd;
  const data = (await w.data()) as Float32Array;
  data.fill(Number.NaN, token * C, (token + 1) * C);
  noGrad(() => w.assign(tensor(data, [...w.shape], w.dtype, w.backend)));
}

async function nonFinite(p: Promise<unknown>): Promise<NonFiniteLogitsError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(NonFiniteLogitsError.isInstance(e), String(e)).toBe(true);
  const n = e as NonFiniteLogitsError;
  expect(n.hint).toMatch(/weights/);
  expect(n.message).toContain(`non-finite logits at step ${n.step}`);
  return n;
}

const paths: [string, GenerateOptions][] = [
  ['greedy', { temperature: 0 }],
  ['sampling with filters', { temperature: 0.8, topK: 20, topP: 0.9, seed: 1 }],
  ['penalties and logprobs', { repetitionPenalty: 1.3, logprobs: true, seed: 1 }],
  ['3 samples sharing a prefill', { numReturnSequences: 3, seed: 2 }],
  ['beam search', { numBeams: 3 }],
  ['device sampling (the CPU kernel)', { deviceSampling: true, seed: 3 }],
  ['no KV cache', { useCache: false, temperature: 0 }],
];

describe('NaN logits (llama-tiny, CPU)', () => {
  let model: Model;
  let clean: number[];
  const prompt = [5, 6, 7];
  beforeAll(async () => {
    model = await loadModel('llama-tiny');
    clean = (await generate(model, prompt, { temperature: 0, maxNewTokens: 10 })).sequences[0]!.slice(3);
  });

  it('a NaN in the prompt: step 0, and the sequence of the prompt in a batch', async () => {
    const m = await loadModel('llama-tiny');
    await poisonToken(m, 40);
    for (const [name, o] of paths) {
      const e = await nonFinite(
        generate(
          m,
          [
            [1, 2],
            [3, 40, 4],
          ],
          { ...o, maxNewTokens: 3 },
        ),
      );
      expect([name, e.step]).toEqual([name, 0]);
      // prompt 1's first output sequence (prompt 0 yields numReturnSequences sequences first)
      expect([name, e.sequence]).toEqual([name, o.numReturnSequences ?? 1]);
    }
  });

  it('a NaN reached later: the step at which the poisoned token is fed back', async () => {
    // the first generated token k ≥ 1 that neither the prompt nor an earlier generated token holds:
    // poisoned, steps 0..k are finite and step k + 1 reads it back
    const k = clean.findIndex((t, i) => i >= 1 && !prompt.concat(clean.slice(0, i)).includes(t));
    expect(k).toBeGreaterThanOrEqual(1);
    const m = await loadModel('llama-tiny');
    await poisonToken(m, clean[k]!);
    const e = await nonFinite(generate(m, prompt, { temperature: 0, maxNewTokens: 10 }));
    expect([e.step, e.sequence]).toEqual([k + 1, 0]);
  });

  it('processLogits refuses NaN and +Infinity, keeps -Infinity as removed', () => {
    expect(() => processLogits([0, Number.NaN], [])).toThrow(
      /processLogits: option logits: expected finite logits/,
    );
    expect(() => processLogits([Number.POSITIVE_INFINITY, 0], [])).toThrow(/\+Infinity at 1 of 2 ids/);
    expect(Array.from(processLogits([0, Number.NEGATIVE_INFINITY], []))).toEqual([
      0,
      Number.NEGATIVE_INFINITY,
    ]);
  });
});

async function webgpu() {
  try {
    const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
    return { backend: await createNodeBackend(), reason: '' };
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    return { backend: undefined, reason: (e as Error).message.split('\n')[0] };
  }
}
const gpu = await webgpu();
if (!gpu.backend) console.warn(`WebGPU NaN-logits tests skipped: no adapter (${gpu.reason})`);

describe.skipIf(!gpu.backend)('NaN logits on WebGPU (the device sampler flags the row)', () => {
  for (const [name, o] of [
    ['device sampling, greedy', { temperature: 0 }],
    ['device sampling, filters', { temperature: 0.9, topK: 12, topP: 0.95, seed: 4, numReturnSequences: 2 }],
    ['host sampling (penalties)', { repetitionPenalty: 1.2, seed: 4 }],
    ['beam search', { numBeams: 2 }],
  ] as [string, GenerateOptions][]) {
    it(name, async () => {
      const m = await fromPretrained(fixtureDir('llama-tiny'), { backend: gpu.backend! });
      await poisonToken(m, 40);
      const e = await nonFinite(generate(m, [3, 40, 4], { ...o, maxNewTokens: 3 }));
      expect([e.step, e.sequence]).toEqual([0, 0]);
    });
  }
});
