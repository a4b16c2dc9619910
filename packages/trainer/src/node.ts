/**
 * @llmforge/trainer/node — the parts of pretraining that read and write files: corpus preparation
 * (sources, dedup, shard writing, `prepareCorpus`), the shard reader, dataset and data loader,
 * evaluation over shards, the checkpoint manager, resumable training checkpoints, the metrics log,
 * the progress bar, the HTML report, atomic JSON writes, the training loop (`train`) and the CLIs'
 * config loader. The main entry, `@llmforge/trainer`, has the rest and runs in browsers too.
 *
 * @example
 * ```ts
 * import { prepareCorpus, train } from '@llmforge/trainer/node';
 * await prepareCorpus({ inputs: [{ path: 'corpus/austen', separator: '\n\n' }], outDir: 'data/austen', tokenizer: 'tok.json' });
 * const result = await train({ outDir: 'runs/austen', data: { dir: 'data/austen' }, model: { preset: 'tiny-gpt' }, steps: 200 });
 * ```
 */

export { type CliIO, loadConfigFile } from './cli-common.js';
export * from './data/dataset.js';
export * from './data/mixed-loader.js';
export * from './data/shard-reader.js';
export * from './data/token-loader.js';
export * from './prepare/dedup.js';
export * from './prepare/prepare-config.js';
export * from './prepare/prepare-corpus.js';
export * from './prepare/shard-writer.js';
export * from './prepare/sources.js';
export * from './train/checkpoint-manager.js';
export * from './train/evaluate.js';
export * from './train/html-report.js';
export * from './train/metrics-logger.js';
export * from './train/progress.js';
export * from './train/run-report.js';
export * from './train/train.js';
export * from './train/train-checkpoint.js';
export * from './train/write-json.js';
