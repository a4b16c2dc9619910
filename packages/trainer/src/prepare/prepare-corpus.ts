/**
 * `prepareCorpus(config)`: raw text in, a training-ready dataset directory out, in one streaming
 * pass. Every document flows through these stages in order, and each stage counts what it removed:
 *
 * ```
 * inputs ─► read (UTF-8 check, JSONL field)            sources.ts        invalidUtf8, malformed
 *        ─► normalize (NFC, newlines, whitespace)       normalize.ts      empty
 *        ─► quality filters                             quality-filters.ts  filtered.<rule>
 *        ─► exact + near dedup (SHA-256, MinHash LSH)   dedup.ts          exact/nearDuplicates
 *        ─► split train/val (seeded, by document)
 *        ─► tokenize: [endOfText, ...ids] per document  @llmforge/tokenizer
 *        ─► llm.c shards                                shard-writer.ts
 * ```
 *
 * Memory is the current document, a 1 M-token write buffer per split and ~0.5 KB of dedup state
 * per kept document: a 200 MB corpus is never held whole (see `bench/prepare-memory.ts`). The output
 * directory (shards, `tokenizer.json`, `dataset.json`) is written to a temporary sibling and renamed
 * into place as a whole.
 */

import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RandomGenerator } from '@llmforge/tensor-gpu';
import { writeDirectoryAtomically } from '@llmforge/tensor-gpu/node';
import type { Tokenizer } from '@llmforge/tokenizer';
import { loadTokenizer as loadTokenizerFile } from '@llmforge/tokenizer/node';
import {
  DATASET_FILE,
  DATASET_FORMAT,
  DATASET_VERSION,
  type DatasetManifest,
  type Removed,
  type SplitSummary,
} from '../data/dataset.js';
import { shardVersionFor } from '../data/shard-format.js';
import { CorpusError } from '../errors.js';
import { Deduplicator } from './dedup.js';
import { normalizeText } from './normalize.js';
import { type PrepareConfig, type ResolvedPrepareConfig, resolvePrepareConfig } from './prepare-config.js';
import { QUALITY_RULES, qualityVerdict } from './quality-filters.js';
import { ShardWriter } from './shard-writer.js';
import { countOffender, type FileReport, readDocuments } from './sources.js';
import { tokenByteLengths } from './token-bytes.js';

/** What {@link prepareCorpus} returns: the sidecar it wrote, the per-file reports and the timing. */
export interface PrepareReport {
  manifest: DatasetManifest;
  files: FileReport[];
  seconds: number;
  /** Input megabytes (10⁶ bytes, after decompression) per second. */
  mbPerSecond: number;
}

async function loadTokenizer(c: ResolvedPrepareConfig): Promise<{ tokenizer: Tokenizer; eot: number }> {
  let tokenizer: Tokenizer;
  try {
    tokenizer = await loadTokenizerFile(c.tokenizer);
  } catch (cause) {
    throw new CorpusError({
      operation: 'prepareCorpus',
      where: 'tokenizer',
      file: c.tokenizer,
      expected: 'a tokenizer file (tokenizer.json, .tiktoken, .model)',
      found: (cause as Error).message,
      hint: 'train one with `llmforge-tokenizer train --special-tokens "<|endoftext|>" ...`',
      cause,
    });
  }
  const eot = tokenizer.tokenToId(c.endOfText);
  if (eot === undefined) {
    throw new CorpusError({
      operation: 'prepareCorpus',
      where: 'endOfText',
      file: c.tokenizer,
      expected: `the tokenizer to have the token ${JSON.stringify(c.endOfText)}`,
      found: `special tokens ${JSON.stringify(Object.keys(tokenizer.specialTokens))}`,
      hint: 'set endOfText to one of them, or train the tokenizer with it as a special token',
    });
  }
  return { tokenizer, eot };
}

const emptySplit = (): SplitSummary => ({ documents: 0, bytes: 0, tokens: 0, shards: [] });
const removed = (): Removed => ({ documents: 0, bytes: 0 });

/**
 * Prepares a corpus for training (see the module comment for the stages).
 *
 * @example
 * ```ts
 * import { prepareCorpus } from '@llmforge/trainer/node';
 * const { manifest, files } = await prepareCorpus({
 *   inputs: ['corpus/austen', { path: 'extra/*.jsonl', field: 'body' }],
 *   outDir: 'data/austen',
 *   tokenizer: 'tokenizer.json',
 * });
 * console.log(manifest.counts, manifest.splits.train.tokens);
 * ```
 */
export async function prepareCorpus(config: PrepareConfig): Promise<PrepareReport> {
  const started = performance.now();
  const c = resolvePrepareConfig(config);
  const { tokenizer, eot } = await loadTokenizer(c);
  const shardVersion = shardVersionFor(tokenizer.vocabSize);
  const tokenizerJson = `${JSON.stringify(tokenizer.toJSON(), null, 2)}\n`;
  const files: FileReport[] = [];
  const splits = { train: emptySplit(), val: emptySplit() };
  const filtered: Record<string, Removed> = Object.fromEntries(QUALITY_RULES.map((r) => [r, removed()]));
  const exactDuplicates = removed();
  const nearDuplicates = removed();
  let read = 0;
  let kept = 0;
  let manifest: DatasetManifest | undefined;

  await writeDirectoryAtomically(c.outDir, async (tmp) => {
    const writers = {
      train: new ShardWriter({
        dir: tmp,
        name: c.name,
        split: 'train',
        version: shardVersion,
        shardTokens: c.shardTokens,
      }),
      val: new ShardWriter({
        dir: tmp,
        name: c.name,
        split: 'val',
        version: shardVersion,
        shardTokens: c.shardTokens,
      }),
    };
    const dedup = new Deduplicator({
      exact: c.dedup.exact,
      near: c.dedup.near && { ...c.dedup.near, seed: c.seed },
    });
    const splitDraw = new RandomGenerator(c.seed);
    const bytesRead = () => files.reduce((s, f) => s + f.bytes, 0);
    let nextProgress = 0;
    try {
      for (const input of c.inputs) {
        const docs = readDocuments(input, files, {
          invalidUtf8: c.invalidUtf8,
          ...(config.stdin ? { stdin: config.stdin } : {}),
        });
        for await (const doc of docs) {
          read++;
          const text = normalizeText(doc.text, c.normalize);
          const bytes = Buffer.byteLength(text);
          if (text === '') {
            countOffender(doc.report.empty, doc.ref);
            continue;
          }
          const rule = qualityVerdict(text, c.filters);
          if (rule !== null) {
            filtered[rule]!.documents++;
            filtered[rule]!.bytes += bytes;
            continue;
          }
          const verdict = dedup.check(text);
          if (verdict !== null) {
            const r = verdict === 'exact' ? exactDuplicates : nearDuplicates;
            r.documents++;
            r.bytes += bytes;
            continue;
          }
          kept++;
          const draw = splitDraw.uniform(); // drawn for every kept document: forced splits do not shift the others
          const split = doc.split ?? (draw < c.split.valFraction ? 'val' : 'train');
          const ids = tokenizer.encode(text, { allowedSpecial: 'none', disallowedSpecial: 'none' });
          await writers[split].append([eot]);
          await writers[split].append(ids);
          const s = splits[split];
          s.documents++;
          s.bytes += bytes;
          s.tokens += ids.length + 1;
          if (config.onProgress && bytesRead() >= nextProgress) {
            nextProgress = bytesRead() + 1e6;
            config.onProgress({
              bytesRead: bytesRead(),
              documents: read,
              kept,
              tokens: splits.train.tokens + splits.val.tokens,
            });
          }
        }
      }
      splits.train.shards = await writers.train.finish();
      splits.val.shards = await writers.val.finish();
    } catch (error) {
      await writers.train.abort();
      await writers.val.abort();
      throw error;
    }
    await writeFile(join(tmp, 'tokenizer.json'), tokenizerJson);
    const sum = (k: 'invalidUtf8' | 'malformed' | 'empty') => files.reduce((s, f) => s + f[k].count, 0);
    manifest = {
      format: DATASET_FORMAT,
      version: DATASET_VERSION,
      name: c.name,
      tokenizer: {
        file: 'tokenizer.json',
        sha256: createHash('sha256').update(tokenizerJson).digest('hex'),
        vocabSize: tokenizer.vocabSize,
        endOfText: { token: c.endOfText, id: eot },
      },
      shardVersion,
      splits,
      counts: {
        read,
        invalidUtf8: sum('invalidUtf8'),
        malformed: sum('malformed'),
        empty: sum('empty'),
        filtered,
        exactDuplicates,
        nearDuplicates,
        kept,
      },
      settings: {
        tokenizerSource: c.tokenizer,
        invalidUtf8: c.invalidUtf8,
        normalize: c.normalize,
        filters: c.filters,
        dedup: { ...c.dedup, lsh: dedup.lsh },
        split: c.split,
        seed: c.seed,
        shardTokens: c.shardTokens,
      },
      problems: files.filter((f) => f.invalidUtf8.count + f.malformed.count + f.empty.count > 0),
      tokenBytes: tokenByteLengths(tokenizer),
    };
    await writeFile(join(tmp, DATASET_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  const seconds = (performance.now() - started) / 1000;
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0);
  return { manifest: manifest!, files, seconds, mbPerSecond: totalBytes / 1e6 / seconds };
}
