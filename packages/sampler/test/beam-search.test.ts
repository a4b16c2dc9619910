/**
 * Beam search: one beam is greedy; with as many beams as the vocabulary, two new tokens are an
 * exhaustive search (every first token survives step 1, step 2 scores all V² pairs), so the result
 * must equal brute force over all continuations; scores are the length-normalized log-probs.
 */
import { logSoftmax, noGrad } from '@llmforge/tensor-gpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { greedyFixture, loadModel } from './helpers/models.js';

type Model = Awaited<ReturnType<typeof loadModel>>;

/** Last-position log-probs of each sequence (one batched full forward pass, no cache). */
function lastLogprobs(model: Model, seqs: number[][]): Float32Array[] {
  return noGrad(() => {
    const { logits } = model.forward(seqs);
    const V = model.config.vocabSize;
    const T = seqs[0]!.length;
    const lp = logSoftmax(logits!).dataSync() as Float32Array;
    return seqs.map((_, b) => lp.slice((b * T + T - 1) * V, (b * T + T) * V));
  });
}

describe('beam search', () => {
  let model: Model;
  let prompt: number[];
  beforeAll(async () => {
    model = await loadModel('gpt2-tiny');
    prompt = (await greedyFixture('gpt2-tiny')).prompt;
  });

  it('with numBeams = V and 2 new tokens equals an exhaustive search over all V² continuations', async () => {
    const V = model.config.vocabSize;
    const [first] = lastLogprobs(model, [prompt]);
    const seconds = lastLogprobs(
      model,
      Array.from({ length: V }, (_, t) => [...prompt, t]),
    );
    const all: { seq: number[]; sum: number }[] = [];
    for (let a = 0; a < V; a++) {
      for (let b = 0; b < V; b++) all.push({ seq: [...prompt, a, b], sum: first![a]! + seconds[a]![b]! });
    }
    all.sort((x, y) => y.sum - x.sum);
    for (const useCache of [true, false]) {
      const r = await generate(model, prompt, {
        numBeams: V,
        maxNewTokens: 2,
        numReturnSequences: 3,
        useCache,
      });
      expect(r.sequences).toEqual(all.slice(0, 3).map((x) => x.seq));
      r.scores!.forEach((s, i) => {
        expect(s).toBeCloseTo(all[i]!.sum / 2, 4);
      });
    }
  });

  it('a few beams find a sequence at least as likely as greedy, and scores are sum / length', async () => {
    const greedy = await generate(model, prompt, { temperature: 0, maxNewTokens: 4, logprobs: true });
    const beam = await generate(model, prompt, {
      numBeams: 4,
      maxNewTokens: 4,
      logprobs: true,
      numReturnSequences: 2,
    });
    const sum = (lps: { logprob: number }[]) => lps.reduce((s, x) => s + x.logprob, 0);
    expect(sum(beam.logprobs![0]!)).toBeGreaterThanOrEqual(sum(greedy.logprobs![0]!) - 1e-6);
    beam.logprobs!.forEach((lps, i) => {
      expect(beam.scores![i]).toBeCloseTo(sum(lps) / 4, 5);
    });
    expect(beam.scores![0]).toBeGreaterThanOrEqual(beam.scores![1]!);
  });

  it('hypotheses ending in a stop id finish with it, ranked by length penalty', async () => {
    const { output } = await greedyFixture('gpt2-tiny');
    const stopId = output[prompt.length + 1]!;
    for (const lengthPenalty of [0, 1, 2]) {
      const r = await generate(model, prompt, {
        numBeams: 3,
        maxNewTokens: 6,
        stop: [stopId],
        lengthPenalty,
        earlyStopping: true,
        logprobs: true,
        numReturnSequences: 3,
      });
      r.sequences.forEach((seq, i) => {
        const gen = seq.length - prompt.length;
        const lps = r.logprobs![i]!;
        expect(lps).toHaveLength(gen);
        expect(r.scores![i]).toBeCloseTo(lps.reduce((s, x) => s + x.logprob, 0) / gen ** lengthPenalty, 5);
        if (r.finishReason[i] === 'stop') expect(seq.at(-1)).toBe(stopId);
      });
      // without length normalization a short finished hypothesis beats the longer running beams
      if (lengthPenalty === 0) expect(r.finishReason).toContain('stop');
      for (let i = 1; i < r.scores!.length; i++)
        expect(r.scores![i - 1]).toBeGreaterThanOrEqual(r.scores![i]!);
    }
  });

  it("earlyStopping 'never' and false search at least as far as true: their kept hypotheses score no lower", async () => {
    const { output } = await greedyFixture('gpt2-tiny');
    const o = { numBeams: 3, maxNewTokens: 8, stop: [output[prompt.length + 1]!], numReturnSequences: 3 };
    const early = await generate(model, prompt, { ...o, earlyStopping: true });
    for (const earlyStopping of [false, 'never'] as const) {
      const later = await generate(model, prompt, { ...o, earlyStopping });
      later.scores!.forEach((s, i) => {
        expect(s).toBeGreaterThanOrEqual(early.scores![i]! - 1e-9);
      });
    }
  });
});
