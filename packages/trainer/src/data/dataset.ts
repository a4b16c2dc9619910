/**
 * A prepared dataset: a directory of llm.c token shards plus the sidecar `dataset.json` that
 * `prepareCorpus` writes beside them (and `tokenizer.json`, the tokenizer that made the ids):
 *
 * ```
 * out/
 *   dataset.json               format "llmforge.corpus" v1: tokenizer hash, splits, counts, filters
 *   tokenizer.json
 *   austen_train_000000.bin    llm.c shards (see shard-format.ts)
 *   austen_val_000000.bin
 * ```
 *
 * `tokenBytes[id]` is the UTF-8 length of each token's text (0 for special tokens): evaluation
 * divides the summed loss by the summed bytes of the predicted tokens to report bits per byte, a
 * figure that compares models with different tokenizers.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShardFormatError } from '../errors.js';
import { ShardReader } from './shard-reader.js';

/** Format name of the sidecar. */
export const DATASET_FORMAT = 'llmforge.corpus';
/** Version of the sidecar format this package writes and reads. */
export const DATASET_VERSION = 1;
/** File name of the sidecar inside a dataset directory. */
export const DATASET_FILE = 'dataset.json';

/** One split of a dataset. */
export interface SplitSummary {
  documents: number;
  /** UTF-8 bytes of the documents' (normalized) text. */
  bytes: number;
  tokens: number;
  shards: { file: string; tokens: number }[];
}

/** Documents and bytes a stage removed. */
export interface Removed {
  documents: number;
  bytes: number;
}

/** The sidecar JSON of a prepared dataset. */
export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  version: number;
  name: string;
  tokenizer: {
    file: string;
    /** SHA-256 of `tokenizer.json`'s bytes. */
    sha256: string;
    vocabSize: number;
    /** The token written before every document. */
    endOfText: { token: string; id: number };
  };
  /** llm.c shard version: 1 = uint16 tokens, 2 = uint32. */
  shardVersion: 1 | 2;
  splits: { train: SplitSummary; val: SplitSummary };
  /** What each stage did, in pipeline order. */
  counts: {
    read: number;
    invalidUtf8: number;
    malformed: number;
    empty: number;
    filtered: Record<string, Removed>;
    exactDuplicates: Removed;
    nearDuplicates: Removed;
    kept: number;
  };
  /** The resolved preparation settings (normalization, filters, dedup, split, seed). */
  settings: Record<string, unknown>;
  /** Per-file reports of the files that had invalid UTF-8, malformed lines or empty documents. */
  problems: FileProblems[];
  /** UTF-8 byte length of each token id's text (0 for special tokens). */
  tokenBytes: number[];
}

/** A file's offenders, as `prepareCorpus` reports them (see `FileReport`). */
export interface FileProblems {
  file: string;
  documents: number;
  invalidUtf8: { count: number; first: unknown };
  malformed: { count: number; first: unknown };
  empty: { count: number; first: unknown };
}

/** A dataset opened for training: its manifest and the absolute paths of its shards. */
export interface Dataset {
  dir: string;
  manifest: DatasetManifest;
  train: string[];
  val: string[];
}

/**
 * Reads and checks a dataset directory: the sidecar's format and version, and every shard's header
 * against the token count the sidecar lists.
 *
 * @example
 * ```ts
 * const ds = loadDataset('data/austen');
 * ds.manifest.splits.train.tokens; // 1,034,512
 * ds.train;                        // ['/abs/data/austen/austen_train_000000.bin']
 * ```
 */
export function loadDataset(dir: string): Dataset {
  const file = join(dir, DATASET_FILE);
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as DatasetManifest;
  } catch (cause) {
    throw new ShardFormatError({
      operation: 'loadDataset',
      file,
      expected: 'a readable dataset.json (written by llmforge-prepare)',
      found: (cause as NodeJS.ErrnoException).code ?? String((cause as Error).message),
      hint: 'run llmforge-prepare first, or point data.train / data.val at .bin shards directly',
      cause,
    });
  }
  if (manifest?.format !== DATASET_FORMAT || manifest.version !== DATASET_VERSION) {
    throw new ShardFormatError({
      operation: 'loadDataset',
      file,
      expected: `format ${DATASET_FORMAT} version ${DATASET_VERSION}`,
      found: `format ${String(manifest?.format)} version ${String(manifest?.version)}`,
      hint: 'prepare the corpus again with this version of @llmforge/trainer',
    });
  }
  const paths = (split: 'train' | 'val') =>
    manifest.splits[split].shards.map((s) => {
      const path = join(dir, s.file);
      const shard = ShardReader.open(path);
      shard.close();
      if (shard.tokens !== s.tokens) {
        throw new ShardFormatError({
          operation: 'loadDataset',
          file: path,
          expected: `${s.tokens} tokens (as dataset.json lists)`,
          found: `${shard.tokens}`,
          hint: 'the shard was replaced after preparation; prepare the corpus again',
        });
      }
      return path;
    });
  return { dir, manifest, train: paths('train'), val: paths('val') };
}
