/**
 * @llmforge/trainer — what runs anywhere (a browser too; this entry bundles without configuration):
 * the llm.c shard format in memory, text normalization and quality filters, MinHash, the training
 * config and its validation, the loss, f16 mixed precision, gradient clipping and accumulation, peak
 * FLOP/s. Everything that reads or writes files — corpus preparation, the shard data loader and
 * evaluation over shards, the training loop with its checkpoints, metrics log, progress bar and HTML
 * report, the CLIs' config loader — is in the Node entry, `@llmforge/trainer/node`.
 */
export * from './errors.js';
export * from './data/shard-format.js';
export * from './data/mix-rows.js';
export * from './prepare/normalize.js';
export * from './prepare/quality-filters.js';
export * from './prepare/minhash.js';
export * from './prepare/hash-table.js';
export * from './prepare/token-bytes.js';
export * from './train/train-config.js';
export * from './train/lm-loss.js';
export * from './train/mixed-precision.js';
export * from './train/peak-flops.js';
export * from './train/gradients.js';
