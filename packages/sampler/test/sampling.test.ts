/**
 * Sampling through the model: KV-cache decoding equals full recomputation token for token (fixed
 * seed), seeds reproduce, samples share one prefill, logprobs equal the model's log-softmax, stops
 * and aborts end sequences, batches equal their prompts run alone.
 */
import { logSoftmax, noGrad, RandomGenerator } from '@llmforge/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GenerateOptions, generate, stream, type TokenEvent } from '../src/index.js';
import { greedyFixture, loadModel } from './helpers/models.js';

type Model = Awaited<ReturnType<typeof loadModel>>;

/** Log-probs of every next token of `seq` from one full forward pass (the reference). */
function fullLogprobs(model: Model, seq: number[]): Float32Array[] {
  return noGrad(() => {
    const { logits } = model.forward([seq]);
    const lp = logSoftmax(logits!).dataSync() as Float32Array;
    const V = model.config.vocabSize;
    return Array.from({ length: seq.length }, (_, t) => lp.slice(t * V, (t + 1) * V));
  });
}

describe('sampling (llama-tiny and gpt2-tiny)', () => {
  let llama: Model;
  let gpt2: Model;
  let prompt: number[];
  beforeAll(async () => {
    llama = await loadModel('llama-tiny');
    gpt2 = await loadModel('gpt2-tiny');
    prompt = (await greedyFixture('llama-tiny')).prompt;
  });

  const configs: [string, GenerateOptions][] = [
    ['temperature 1', { temperature: 1 }],
    ['top-k/top-p/min-p', { temperature: 0.9, topK: 20, topP: 0.9, minP: 0.02 }],
    ['penalties', { temperature: 1.2, repetitionPenalty: 1.3, frequencyPenalty: 0.5, presencePenalty: 0.3 }],
  ];
  for (const [label, cfg] of configs) {
    it(`KV cache equals full recomputation token for token, fixed seed, 3 samples (${label})`, async () => {
      for (const model of [llama, gpt2]) {
        const o = { ...cfg, seed: 1234, maxNewTokens: 12, numReturnSequences: 3, logprobs: true };
        const cached = await generate(model, prompt, o);
        const full = await generate(model, prompt, { ...o, useCache: false });
        expect(cached.sequences).toEqual(full.sequences);
        expect(cached.sequences).toHaveLength(3);
        for (let s = 0; s < 3; s++) {
          cached.logprobs![s]!.forEach((lp, i) => {
            expect(lp.logprob).toBeCloseTo(full.logprobs![s]![i]!.logprob, 4);
          });
        }
      }
    });
  }

  it("tensor-gpu's sampleTokens op (deviceSampling: true) picks what the host processors pick", async () => {
    const filters: GenerateOptions[] = [
      { temperature: 1 },
      { temperature: 0.8, topK: 12 },
      { temperature: 1.3, topP: 0.8, minP: 0.05 },
      { temperature: 0 },
    ];
    for (const f of filters) {
      const o = { ...f, seed: 77, maxNewTokens: 10, numReturnSequences: 3 };
      const host = await generate(gpt2, prompt, { ...o, deviceSampling: false });
      const device = await generate(gpt2, prompt, { ...o, deviceSampling: true });
      expect(device.sequences).toEqual(host.sequences);
    }
  });

  it('the same seed reproduces, another seed differs, and a RandomGenerator resumes from its state', async () => {
    const o = { temperature: 1.5, maxNewTokens: 20, numReturnSequences: 2 };
    const a = await generate(llama, prompt, { ...o, seed: 7 });
    const b = await generate(llama, prompt, { ...o, seed: 7 });
    const c = await generate(llama, prompt, { ...o, seed: 8 });
    expect(a.sequences).toEqual(b.sequences);
    expect(c.sequences).not.toEqual(a.sequences);
    // two calls on one generator = the second call alone from the saved state
    const g = new RandomGenerator(99);
    await generate(llama, prompt, { ...o, generator: g });
    const saved = g.getState();
    expect(saved.offset).toBeGreaterThan(0);
    const second = await generate(llama, prompt, { ...o, generator: g });
    const resumed = await generate(llama, prompt, { ...o, generator: RandomGenerator.fromState(saved) });
    expect(resumed.sequences).toEqual(second.sequences);
  });

  it('samples share one prefill: with temperature 0 every sample is the greedy sequence', async () => {
    const { output } = await greedyFixture('llama-tiny');
    const r = await generate(llama, prompt, { temperature: 0, maxNewTokens: 10, numReturnSequences: 4 });
    expect(r.sequences).toEqual([output, output, output, output]);
  });

  it('logprobs and topLogprobs are the raw model log-softmax at each position', async () => {
    const r = await generate(gpt2, prompt, { seed: 3, maxNewTokens: 8, topLogprobs: 5, topK: 10 });
    const seq = r.sequences[0]!;
    const ref = fullLogprobs(gpt2, seq);
    r.logprobs![0]!.forEach((lp, i) => {
      const row = ref[prompt.length - 1 + i]!;
      expect(lp.token).toBe(seq[prompt.length + i]);
      expect(lp.logprob).toBeCloseTo(row[lp.token]!, 4);
      const best = [...row.keys()].sort((x, y) => row[y]! - row[x]!).slice(0, 5);
      expect(lp.top!.map((t) => t.token)).toEqual(best);
      expect(lp.top![0]!.logprob).toBeCloseTo(row[best[0]!]!, 4);
    });
  });

  it('top-k 1 is greedy, and every sampled token lies inside the top-k set', async () => {
    const { output } = await greedyFixture('llama-tiny');
    const r = await generate(llama, prompt, { topK: 1, seed: 5, maxNewTokens: 10 });
    expect(r.sequences[0]).toEqual(output);
    const k3 = await generate(gpt2, prompt, {
      topK: 3,
      seed: 11,
      maxNewTokens: 10,
      logprobs: true,
      topLogprobs: 3,
    });
    for (const lp of k3.logprobs![0]!) expect(lp.top!.map((t) => t.token)).toContain(lp.token);
  });

  it('a stop id or id sequence ends the sequence (stop tokens kept), others run to maxNewTokens', async () => {
    const { prompt: gp, output } = await greedyFixture('gpt2-tiny');
    const gen = output.slice(gp.length);
    const one = await generate(gpt2, gp, { temperature: 0, maxNewTokens: 10, stop: [gen[3]!] });
    const firstAt = gen.indexOf(gen[3]!);
    expect(one.sequences[0]).toEqual(output.slice(0, gp.length + firstAt + 1));
    expect(one.finishReason).toEqual(['stop']);
    const pair = await generate(gpt2, gp, {
      temperature: 0,
      maxNewTokens: 10,
      stop: [
        [gen[4]!, gen[5]!],
        [97, 97],
      ],
    });
    expect(pair.sequences[0]!.slice(-2)).toEqual([gen[4], gen[5]]);
    expect(pair.finishReason).toEqual(['stop']);
  });

  it('stops at the context length with finishReason length', async () => {
    const ctx = gpt2.config.contextLength;
    const r = await generate(gpt2, prompt, { seed: 1, maxNewTokens: 100 });
    expect(r.sequences[0]).toHaveLength(ctx);
    expect(r.finishReason).toEqual(['length']);
  });

  it('a batch of prompts gives each prompt its own samples, equal to running it alone', async () => {
    const p2 = [5, 6, 7];
    const batch = await generate(llama, [prompt, p2], {
      temperature: 0,
      maxNewTokens: 6,
      numReturnSequences: 2,
    });
    const a = await generate(llama, prompt, { temperature: 0, maxNewTokens: 6 });
    const b = await generate(llama, p2, { temperature: 0, maxNewTokens: 6 });
    expect(batch.sequences).toEqual([a.sequences[0], a.sequences[0], b.sequences[0], b.sequences[0]]);
    expect(batch.promptLengths).toEqual([5, 5, 3, 3]);
  });

  it('stream yields the tokens generate returns, and an AbortSignal ends it with finishReason abort', async () => {
    const o = { seed: 21, maxNewTokens: 8, numReturnSequences: 2, temperature: 1 };
    const events: TokenEvent[] = [];
    const it = stream(llama, prompt, o);
    let res = await it.next();
    while (!res.done) {
      events.push(res.value);
      res = await it.next();
    }
    const g = await generate(llama, prompt, o);
    expect(res.value.sequences).toEqual(g.sequences);
    for (let s = 0; s < 2; s++) {
      expect(events.filter((e) => e.sequence === s).map((e) => e.token)).toEqual(
        g.sequences[s]!.slice(prompt.length),
      );
    }
    const controller = new AbortController();
    let seen = 0;
    const aborted = stream(llama, prompt, {
      ...o,
      numReturnSequences: 1,
      maxNewTokens: 20,
      signal: controller.signal,
    });
    let step = await aborted.next();
    while (!step.done) {
      seen++;
      if (seen === 3) controller.abort();
      step = await aborted.next();
    }
    expect(step.value.sequences[0]).toHaveLength(prompt.length + 3);
    expect(step.value.finishReason).toEqual(['abort']);
  });
});
