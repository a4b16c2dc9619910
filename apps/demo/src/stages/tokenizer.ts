/**
 * Stage `tokenizer`: text becomes token ids.
 *
 *   prepare/train.txt ─► trainTokenizer (byte-level BPE, GPT-2 split pattern)  @llmforge/tokenizer
 *                         special tokens: <|endoftext|> and the chat template's  ─► tokenizer.json
 *   train.txt, val.txt ─► prepareCorpus (quality filters, exact + near dedup,    @llmforge/trainer
 *                         [<|endoftext|>, ...ids] per paragraph) ─► shards/ (llm.c .bin + dataset.json)
 *
 * The chat template's special tokens (`<|user|>`, `<|assistant|>`, `<|end|>`, `<|call|>`, ...) are
 * in the vocabulary from the start, so the same tokenizer serves pretraining and post-training.
 * The figure it reports is bytes per token on the held-out text: how much a token carries.
 */
import { join } from 'node:path';
import { chatSpecialTokens, trainTokenizer } from '@llmforge/tokenizer';
import { saveTokenizer } from '@llmforge/tokenizer/node';
import { prepareCorpus, readDocuments } from '@llmforge/trainer/node';
import type { Stage } from '../stage.js';
import type { PrepareResult } from './prepare.js';

/** The document delimiter written before every paragraph in the shards. */
export const END_OF_TEXT = '<|endoftext|>';

/** A sentence shown split into tokens, in the log and the report. */
export const TOKENS_EXAMPLE = 'It is a truth universally acknowledged, that a single man';

/** What `tokenizer` reports. */
export interface TokenizerResult {
  vocabSize: number;
  specialTokens: string[];
  /** UTF-8 bytes per token on the validation text (without the end-of-text tokens). */
  bytesPerToken: number;
  trainTokens: number;
  valTokens: number;
  /** Paragraphs the filters and deduplication removed. */
  removed: { filtered: number; exactDuplicates: number; nearDuplicates: number };
  /** {@link TOKENS_EXAMPLE} as the tokenizer splits it. */
  example: { text: string; tokens: string[]; ids: number[] };
  /** Paths relative to the stage folder. */
  tokenizer: string;
  shards: string;
  seconds: number;
}

async function* paragraphs(path: string): AsyncGenerator<string> {
  for await (const d of readDocuments({ path, separator: '\n\n' }, [], { invalidUtf8: 'replace' })) {
    yield `${d.text}\n\n`;
  }
}

export const tokenizerStage: Stage<TokenizerResult> = {
  name: 'tokenizer',
  title: 'train a BPE tokenizer and encode the corpus',
  needs: ['prepare'],
  config: (c) => ({ ...c.tokenizer, specialTokens: [END_OF_TEXT, ...chatSpecialTokens('llmforge')] }),
  async run(ctx) {
    const t0 = performance.now();
    const corpus = (file: string) => ctx.run.path('prepare', file);
    const specialTokens = [END_OF_TEXT, ...chatSpecialTokens('llmforge')];
    const progress = ctx.progress.stage('tokenizer', 'merges');
    let phase = '';
    let tokenizer: Awaited<ReturnType<typeof trainTokenizer>>;
    try {
      tokenizer = await trainTokenizer(
        {
          model: 'bpe',
          vocabSize: ctx.config.tokenizer.vocabSize,
          specialTokens,
          onProgress: (p) => {
            if (p.phase !== phase) {
              phase = p.phase;
              if (p.phase === 'merge') progress.start(p.total, 0);
            }
            if (p.phase === 'merge') progress.tick(p.done, {}, p.total);
          },
        },
        paragraphs(corpus('train.txt')),
      );
    } finally {
      progress.stop();
    }
    const tokenizerPath = join(ctx.dir, 'tokenizer.json');
    await saveTokenizer(tokenizer, tokenizerPath);

    const corpusBytes = ctx.upstream<PrepareResult>('prepare').result;
    const totalKb = Math.ceil((corpusBytes.trainBytes + corpusBytes.valBytes) / 1000);
    const encode = ctx.progress.stage('encode', 'kB');
    encode.start(totalKb, 0);
    let report: Awaited<ReturnType<typeof prepareCorpus>>;
    try {
      report = await prepareCorpus({
        inputs: [
          { path: corpus('train.txt'), separator: '\n\n', split: 'train' },
          { path: corpus('val.txt'), separator: '\n\n', split: 'val' },
        ],
        outDir: join(ctx.dir, 'shards'),
        tokenizer: tokenizerPath,
        name: 'corpus',
        endOfText: END_OF_TEXT,
        // a paragraph of dialogue is often one short line: keep it (the other filters stay on)
        filters: { minLength: null },
        onProgress: (p) =>
          encode.tick(Math.min(totalKb, Math.round(p.bytesRead / 1000)), {
            tokens: p.tokens.toLocaleString('en-US'),
          }),
      });
      const t = report.manifest.splits;
      encode.tick(totalKb, { tokens: (t.train.tokens + t.val.tokens).toLocaleString('en-US') });
    } finally {
      encode.stop();
    }
    const { splits, counts } = report.manifest;
    const ids = tokenizer.encode(TOKENS_EXAMPLE);
    const example = {
      text: TOKENS_EXAMPLE,
      ids,
      tokens: ids.map((id) => tokenizer.decode([id])),
    };
    ctx.progress.log(
      `tokenizer: ${JSON.stringify(TOKENS_EXAMPLE)} → ${example.tokens.map((t) => JSON.stringify(t)).join(' ')}`,
    );
    return {
      vocabSize: tokenizer.vocabSize,
      specialTokens,
      bytesPerToken: splits.val.bytes / (splits.val.tokens - splits.val.documents),
      trainTokens: splits.train.tokens,
      valTokens: splits.val.tokens,
      removed: {
        filtered: Object.values(counts.filtered).reduce((s, r) => s + r.documents, 0),
        exactDuplicates: counts.exactDuplicates.documents,
        nearDuplicates: counts.nearDuplicates.documents,
      },
      example,
      tokenizer: 'tokenizer.json',
      shards: 'shards',
      seconds: (performance.now() - t0) / 1000,
    };
  },
  summary: (r) =>
    `vocab ${r.vocabSize}, ${r.bytesPerToken.toFixed(2)} bytes/token, ${(r.trainTokens / 1e6).toFixed(2)}M training tokens`,
};
