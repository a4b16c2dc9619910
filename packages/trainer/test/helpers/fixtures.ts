import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { prepareCorpus } from '../../src/prepare/prepare-corpus.js';
import type { TrainConfig } from '../../src/train/train-config.js';

/** A fixture file's absolute path. */
export const fixture = (name: string) =>
  fileURLToPath(new URL(`../../__fixtures__/${name}`, import.meta.url));

export const TOKENIZER = fixture('austen-bpe-320.tokenizer.json');
export const SAMPLE = fixture('austen-sample.txt');

const roots: string[] = [];
/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'llmforge-trainer-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The Austen sample prepared into a dataset (paragraphs as documents, 10% validation). */
export async function sampleDataset(): Promise<string> {
  const outDir = join(tempDir(), 'austen');
  await prepareCorpus({
    inputs: [{ path: SAMPLE, separator: '\n\n' }],
    outDir,
    tokenizer: TOKENIZER,
    split: { valFraction: 0.1 },
  });
  return outDir;
}

/** A tiny GPT-2 for fast loop tests (~30k parameters with the fixture vocabulary). */
export const TINY_MODEL = {
  contextLength: 32,
  nLayer: 2,
  nHead: 2,
  nEmbd: 32,
  norm: 'layernorm',
  activation: 'gelu_tanh',
  positions: 'learned',
  bias: true,
  tiedEmbeddings: true,
} as const;

/** A small, quiet training run on `dataDir` in a fresh directory, with overrides. */
export function tinyRun(dataDir: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    outDir: join(tempDir(), 'run'),
    data: { dir: dataDir },
    model: TINY_MODEL,
    steps: 6,
    batchSize: 4,
    optimizer: { lr: 3e-3 },
    eval: { every: 3, batches: 2 },
    log: { every: 1, progress: 'none' },
    device: { peakFlops: null },
    ...over,
  };
}
