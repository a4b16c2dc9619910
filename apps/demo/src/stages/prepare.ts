/**
 * Stage `prepare`: the corpus as the rest of the pipeline reads it.
 *
 *   corpus files (.txt, .gz, folders, globs; default: the embedded Austen novels)
 *     ─► paragraphs (documents split on blank lines), each checked to be UTF-8
 *     ─► normalised (NFC, LF line ends, no trailing spaces)
 *     ─► a seeded draw puts each paragraph in train or validation
 *     ─► corpus/train.txt, corpus/val.txt (paragraphs separated by blank lines)
 *
 * Reading, the UTF-8 check and normalisation are @llmforge/trainer's (`readDocuments`,
 * `normalizeText`). A corpus that is not UTF-8 or holds no text stops here, naming the file,
 * before anything is trained.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { RandomGenerator } from '@llmforge/tensor-gpu';
import { normalizeText } from '@llmforge/trainer';
import { type FileReport, PREPARE_DEFAULTS, readDocuments } from '@llmforge/trainer/node';
import { DemoInputError } from '../errors.js';
import type { Stage } from '../stage.js';

/** The embedded default corpus: Jane Austen's six novels (public domain), gzipped. */
export const EMBEDDED_CORPUS = new URL('../../data/austen.txt.gz', import.meta.url);

/** What `prepare` reports. */
export interface PrepareResult {
  /** The corpus files read. */
  files: string[];
  /** Paragraphs (documents) kept, and in each split. */
  documents: number;
  trainDocuments: number;
  valDocuments: number;
  /** UTF-8 bytes of each split. */
  trainBytes: number;
  valBytes: number;
  seconds: number;
}

const PARAGRAPH = '\n\n';

/** Writes paragraphs to a file (through a temporary name, renamed when complete). */
function paragraphWriter(path: string) {
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  let first = true;
  let bytes = 0;
  let documents = 0;
  return {
    async write(text: string): Promise<void> {
      const piece = first ? text : `${PARAGRAPH}${text}`;
      first = false;
      bytes += Buffer.byteLength(text);
      documents++;
      if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
    },
    async close(): Promise<{ bytes: number; documents: number }> {
      out.end(first ? '' : '\n');
      await finished(out);
      await rename(tmp, path);
      return { bytes, documents };
    },
  };
}

function notUtf8(report: FileReport): never {
  const first = report.invalidUtf8.first!;
  throw new DemoInputError({
    operation: 'prepare',
    file: report.file,
    expected: 'a UTF-8 text file',
    found: `bytes that are not UTF-8 in paragraph ${first.document + 1} (byte ${first.byteOffset ?? 0} of it; ${report.invalidUtf8.count} paragraph(s) in all)`,
    hint: 'convert it first, e.g. `iconv -f latin1 -t utf-8 in.txt > out.txt`',
  });
}

export const prepareStage: Stage<PrepareResult> = {
  name: 'prepare',
  title: 'read, check and split the corpus',
  needs: [],
  config: (c) => c.corpus,
  async run(ctx) {
    const t0 = performance.now();
    const { corpus } = ctx.config;
    const inputs = corpus.paths ?? [EMBEDDED_CORPUS.pathname];
    const progress = ctx.progress.stage('prepare', 'MB');
    progress.start(0, 0);
    const train = paragraphWriter(join(ctx.dir, 'train.txt'));
    const val = paragraphWriter(join(ctx.dir, 'val.txt'));
    const draw = new RandomGenerator(ctx.config.seed);
    const reports: FileReport[] = [];
    let chars = 0;
    let bytesRead = 0;
    try {
      outer: for (const path of inputs) {
        for await (const doc of readDocuments({ path, separator: PARAGRAPH }, reports, {
          invalidUtf8: 'skip',
        })) {
          const report = reports[reports.length - 1]!;
          if (report.invalidUtf8.count > 0) notUtf8(report);
          let text = normalizeText(doc.text, PREPARE_DEFAULTS.normalize);
          if (text === '') continue;
          if (corpus.maxChars !== null && chars + text.length > corpus.maxChars) {
            text = text.slice(0, corpus.maxChars - chars);
          }
          chars += text.length;
          // drawn for every paragraph, so the split of one does not depend on the ones before it
          await (draw.uniform() < corpus.valFraction ? val : train).write(text);
          const read = reports.reduce((s, r) => s + r.bytes, 0);
          if (read - bytesRead > 1e6) {
            bytesRead = read;
            progress.tick(Math.round(read / 1e6), { read: `${(chars / 1e6).toFixed(1)}M characters` });
          }
          if (corpus.maxChars !== null && chars >= corpus.maxChars) break outer;
        }
        const report = reports[reports.length - 1];
        if (report && report.invalidUtf8.count > 0) notUtf8(report);
      }
    } finally {
      progress.stop();
    }
    const t = await train.close();
    const v = await val.close();
    const files = reports.map((r) => r.file);
    if (t.documents === 0 || t.bytes === 0) {
      throw new DemoInputError({
        operation: 'prepare',
        file: files.join(', ') || inputs.join(', '),
        expected: 'text to train on',
        found:
          t.documents + v.documents === 0
            ? 'no text (the corpus is empty)'
            : 'too little text for a training split',
        hint: 'pass --corpus with a text file, a folder or a glob of .txt files',
      });
    }
    if (v.documents === 0) {
      throw new DemoInputError({
        operation: 'prepare',
        file: files.join(', '),
        expected: `enough paragraphs (blank-line separated) to hold ${(corpus.valFraction * 100).toFixed(0)}% out for validation`,
        found: `${t.documents} paragraph(s), none drawn for validation`,
        hint: 'use a larger corpus, or separate its paragraphs with blank lines',
      });
    }
    return {
      files: corpus.paths === null ? ['(embedded) data/austen.txt.gz'] : files,
      documents: t.documents + v.documents,
      trainDocuments: t.documents,
      valDocuments: v.documents,
      trainBytes: t.bytes,
      valBytes: v.bytes,
      seconds: (performance.now() - t0) / 1000,
    };
  },
  summary: (r) =>
    `${r.documents.toLocaleString('en-US')} paragraphs, ${((r.trainBytes + r.valBytes) / 1e6).toFixed(2)} MB (${r.valDocuments} held out)`,
};
