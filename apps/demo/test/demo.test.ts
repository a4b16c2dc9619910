import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '@llmforge/tensor-gpu';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { createModel, type Model, tokenLogProbs } from '@llmforge/transformer';
import { fromPretrained } from '@llmforge/transformer/node';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo, SAMPLE_PROMPT, sampleStage } from '../src/run-demo.js';

/** Mean log-probability per token of ids[from..] under `model`. */
function meanLogProb(model: Model, ids: number[], from: number): number {
  const lp = noGrad(() => tokenLogProbs(model, [ids]).dataSync()); // lp[t] = log p(ids[t + 1] | ids[..t])
  const scored = Array.from(lp).slice(from - 1);
  return scored.reduce((a, b) => a + b, 0) / scored.length;
}

describe('demo pipeline (small settings)', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trains a tokenizer and a model whose validation loss drops, saves both, and samples from the trained model', async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmforge-demo-'));
    const lines: string[] = [];
    const seed = 7;
    const summary = await runDemo({
      steps: 40,
      backend: 'cpu',
      outDir: dir,
      vocabSize: 512,
      seed,
      batchSize: 4,
      seqLen: 48,
      corpusChars: 300_000,
      log: (l) => lines.push(l),
    });
    expect(summary.bytesPerToken).toBeGreaterThan(2);
    // A uniform guess over 512 tokens costs ln(512) = 6.24 nats; 40 steps must learn unigram statistics at least.
    expect(summary.initialValLoss).toBeGreaterThan(5.5);
    expect(summary.finalValLoss).toBeLessThan(summary.initialValLoss - 0.8);
    expect(lines.some((l) => l.startsWith('4/4 sampling'))).toBe(true);

    // The files on disk are the run's tokenizer and model: reloaded, they sample the same text.
    const tokenizer = await loadTokenizer(join(dir, 'tokenizer.json'));
    expect(tokenizer.vocabSize).toBe(512);
    expect(tokenizer.decode(tokenizer.encode('Elizabeth Bennet'))).toBe('Elizabeth Bennet');
    const model = await fromPretrained(join(dir, 'model'));
    expect(model.config.vocabSize).toBe(512);
    const again = await sampleStage(model, tokenizer, seed);
    expect(again.ids).toEqual(summary.sampleIds);
    expect(again.text).toBe(summary.sample);

    // The sample continues the prompt with new tokens that the trained model finds far likelier than
    // the same model before training did (its seeded initialization): it was sampled from the former.
    const promptLength = tokenizer.encode(SAMPLE_PROMPT).length;
    expect(summary.sampleIds.length).toBeGreaterThanOrEqual(promptLength + 20);
    const untrained = createModel(model.config, { seed }).eval();
    const trained = meanLogProb(model, summary.sampleIds, promptLength);
    const before = meanLogProb(untrained, summary.sampleIds, promptLength);
    console.log(`sample log-prob per token: trained ${trained.toFixed(3)}, untrained ${before.toFixed(3)}`);
    expect(trained).toBeGreaterThan(before + 1);
  });
});
