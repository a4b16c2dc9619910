import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@llmforge/tokenizer';
import { fromPretrained } from '@llmforge/transformer';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/run-demo.js';

describe('demo pipeline (small settings)', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('trains a tokenizer and a model whose validation loss drops, and writes loadable outputs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'llmforge-demo-'));
    const lines: string[] = [];
    const summary = await runDemo({
      steps: 40,
      backend: 'cpu',
      outDir: dir,
      vocabSize: 512,
      seed: 7,
      batchSize: 4,
      seqLen: 32,
      corpusChars: 300_000,
      log: (l) => lines.push(l),
    });
    expect(summary.bytesPerToken).toBeGreaterThan(2);
    // A uniform guess over 512 tokens costs ln(512) = 6.24 nats; 40 steps must learn unigram statistics at least.
    expect(summary.initialValLoss).toBeGreaterThan(5.5);
    expect(summary.finalValLoss).toBeLessThan(summary.initialValLoss - 0.8);
    expect(summary.sample.startsWith('It is a truth universally acknowledged')).toBe(true);
    expect(summary.sample.length).toBeGreaterThan('It is a truth universally acknowledged'.length);

    const tokenizer = await Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    expect(tokenizer.vocabSize).toBe(512);
    expect(tokenizer.decode(tokenizer.encode('Elizabeth Bennet'))).toBe('Elizabeth Bennet');
    const model = await fromPretrained(join(dir, 'model'));
    expect(model.config.vocabSize).toBe(512);
    expect(lines.some((l) => l.startsWith('4/4 sampling'))).toBe(true);
  });
});
