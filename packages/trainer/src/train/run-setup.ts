/**
 * Everything `train()` does before its first step, out of the loop's way: open the data and check
 * the config against it (a batch larger than the data, a vocabulary smaller than the tokenizer's),
 * create the backend, and check that a resumed run matches the one that wrote the checkpoint.
 * Each failure names the config field.
 */

import { readFileSync } from 'node:fs';
import { type Backend, createCpuBackend } from '@llmforge/tensor-gpu';
import { resolveConfig } from '@llmforge/transformer';
import { glob, isDynamicPattern } from 'tinyglobby';
import { configError } from '../config-check.js';
import { loadDataset } from '../data/dataset.js';
import { ShardReader } from '../data/shard-reader.js';
import { TrainerCheckpointError } from '../errors.js';
import type { TrainerState } from './train-checkpoint.js';
import type { ResolvedTrainConfig } from './train-config.js';

/** The data of a run, opened and checked. */
export interface RunData {
  train: string[];
  /** The shards of each `data.mix` source, globs expanded (empty without a mix). */
  mix: { shards: string[]; weight: number }[];
  val: string[];
  trainTokens: number;
  valTokens: number;
  /** Per-id UTF-8 byte lengths for bits per byte, when the dataset has them. */
  tokenBytes: number[] | null;
  /** tokenizer.json's text, copied into every checkpoint, when there is one. */
  tokenizerJson: string | null;
  /** The end-of-text id (document delimiter), when known. */
  endOfText: number | null;
  /** The dataset's vocabulary size, when known. */
  vocabSize: number | null;
}

const OP = 'train';

async function expand(where: string, patterns: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    const hits = isDynamicPattern(p) ? (await glob(p, { absolute: true, onlyFiles: true })).sort() : [p];
    if (hits.length === 0) configError(OP, where, 'a glob matching at least one shard', p);
    out.push(...hits);
  }
  return out;
}

function tokensIn(paths: string[]): number {
  let n = 0;
  for (const p of paths) {
    const s = ShardReader.open(p);
    n += s.tokens;
    s.close();
  }
  return n;
}

/** Opens the data a config names and fills `model.vocabSize` from it when unset. */
export async function openRunData(c: ResolvedTrainConfig): Promise<RunData> {
  let data: RunData;
  if (c.data.dir !== null) {
    const ds = loadDataset(c.data.dir);
    const m = ds.manifest;
    data = {
      train: ds.train,
      mix: [],
      val: ds.val,
      trainTokens: m.splits.train.tokens,
      valTokens: m.splits.val.tokens,
      tokenBytes: m.tokenBytes,
      tokenizerJson: readFileSync(`${c.data.dir}/${m.tokenizer.file}`, 'utf8'),
      endOfText: m.tokenizer.endOfText.id,
      vocabSize: m.tokenizer.vocabSize,
    };
  } else {
    const train = await expand('data.train', c.data.train);
    const val = await expand('data.val', c.data.val);
    data = {
      train,
      mix: [],
      val,
      trainTokens: tokensIn(train),
      valTokens: tokensIn(val),
      tokenBytes: null,
      tokenizerJson: null,
      endOfText: null,
      vocabSize: null,
    };
  }
  for (const [i, m] of c.data.mix.entries()) {
    data.mix.push({ shards: await expand(`data.mix[${i}].train`, m.train), weight: m.weight });
  }
  if (c.data.tokenizer !== null) data.tokenizerJson = readFileSync(c.data.tokenizer, 'utf8');
  return data;
}

/** The checks that need the data; fills `c.model.vocabSize` when it was left to the dataset. */
export function checkAgainstData(c: ResolvedTrainConfig, data: RunData): void {
  if (c.model.vocabSize === 0) {
    if (data.vocabSize === null) {
      configError(
        OP,
        'model.vocabSize',
        'a vocabulary size (the shards have no dataset.json to take it from)',
        undefined,
      );
    }
    c.model = resolveConfig({ ...c.model, vocabSize: data.vocabSize });
  }
  if (data.vocabSize !== null && c.model.vocabSize < data.vocabSize) {
    configError(
      OP,
      'model.vocabSize',
      `at least the tokenizer's vocabulary (${data.vocabSize})`,
      c.model.vocabSize,
      "leave model.vocabSize out to take the dataset's",
    );
  }
  const window = c.seqLen + 1;
  if (c.batchSize * window > data.trainTokens) {
    configError(
      OP,
      'batchSize',
      `at most ${Math.floor(data.trainTokens / window)} rows of seqLen + 1 = ${window} tokens (the training split has ${data.trainTokens} tokens)`,
      c.batchSize,
      'lower batchSize or seqLen, or prepare more data',
    );
  }
  if (c.data.alignDocuments && data.endOfText === null) {
    configError(
      OP,
      'data.alignDocuments',
      'a dataset directory (its end-of-text id marks document starts)',
      true,
    );
  }
  if (data.val.length === 0 || data.valTokens === 0) {
    configError(
      OP,
      'data.val',
      'validation shards with tokens',
      data.val,
      'prepare with split.valFraction > 0, or set data.val',
    );
  }
  if (c.eval.batchSize * window > data.valTokens) {
    configError(
      OP,
      'eval.batchSize',
      `at most ${Math.floor(data.valTokens / window)} rows of ${window} tokens (the validation split has ${data.valTokens} tokens)`,
      c.eval.batchSize,
    );
  }
}

/** The backend the config asks for. */
export async function createBackendFor(c: ResolvedTrainConfig): Promise<Backend> {
  if (c.device.backend === 'cpu') return createCpuBackend();
  const { createNodeBackend } = await import('@llmforge/tensor-gpu/node');
  return createNodeBackend();
}

/** Fields a resumed run must share with the run that wrote the checkpoint. */
const FIXED = [
  'model',
  'seqLen',
  'batchSize',
  'gradAccumSteps',
  'seed',
  'precision',
  'data.order',
  'data.alignDocuments',
];

/** Throws when the current config differs from the checkpoint's in a field that breaks exact resume. */
export function checkResumable(c: ResolvedTrainConfig, state: TrainerState, dir: string): void {
  const get = (o: unknown, path: string) =>
    path.split('.').reduce((v, k) => (v as Record<string, unknown>)?.[k], o);
  for (const field of FIXED) {
    const now = JSON.stringify(get(c, field));
    const then = JSON.stringify(get(state.config, field));
    if (now !== then) {
      throw new TrainerCheckpointError({
        operation: 'resume',
        file: dir,
        where: field,
        expected: `${field} as the run that wrote the checkpoint (${then})`,
        found: now,
        hint: 'resume with the original config, or start a new run in another outDir',
      });
    }
  }
}
