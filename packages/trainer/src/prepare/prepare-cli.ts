/**
 * The `llmforge-prepare` command line (see {@link prepareCorpus} for the stages):
 *
 * ```
 * llmforge-prepare --tokenizer tok.json --out data/austen corpus/austen
 * llmforge-prepare --tokenizer tok.json --out data/web --field body 'dumps/*.jsonl.gz'
 * cat notes.txt | llmforge-prepare --tokenizer tok.json --out data/notes --separator $'\n\n' -
 * llmforge-prepare --config prepare.json          (flags override the file's fields)
 * ```
 *
 * `runPrepareCli(argv, io)` returns the exit code, so tests run it in-process.
 */

import { parseArgs } from 'node:util';
import { type CliIO, loadConfigFile, processIO, reportError, runIfMain } from '../cli-common.js';
import type { PrepareConfig } from './prepare-config.js';
import { type PrepareReport, prepareCorpus } from './prepare-corpus.js';

const USAGE = `usage: llmforge-prepare --tokenizer tok.json --out DIR [options] inputs...
  inputs                 files, folders (recursive), globs ('data/**/*.jsonl'), or - for stdin;
                         .jsonl/.ndjson are JSONL, .gz is decompressed
  --config FILE          a JSON or JS config (PrepareConfig); flags override its fields
  --field NAME           JSONL: the text field (default text)
  --separator STR        text: split files into documents on STR (default: a file is a document)
  --name NAME            shard name prefix (default: the out folder's name)
  --val-fraction F       fraction of documents for validation (default 0.05)
  --seed N               split and MinHash seed (default 1337)
  --shard-tokens N       tokens per shard (default 100000000)
  --near-threshold J     near-duplicate Jaccard threshold (default 0.8)
  --no-near-dedup        exact deduplication only
  --no-filters           no quality filters
  --quiet                no progress
`;

function summary(r: PrepareReport): string {
  const m = r.manifest;
  const k = m.counts;
  const lines = [
    `read ${k.read} documents (${(r.files.reduce((s, f) => s + f.bytes, 0) / 1e6).toFixed(1)} MB) in ${r.seconds.toFixed(1)} s, ${r.mbPerSecond.toFixed(2)} MB/s`,
    `  invalid UTF-8 ${k.invalidUtf8}, malformed ${k.malformed}, empty ${k.empty}`,
    ...Object.entries(k.filtered).map(
      ([rule, x]) => `  filter ${rule}: ${x.documents} documents, ${x.bytes} bytes`,
    ),
    `  exact duplicates ${k.exactDuplicates.documents} (${k.exactDuplicates.bytes} bytes), near duplicates ${k.nearDuplicates.documents} (${k.nearDuplicates.bytes} bytes)`,
    `kept ${k.kept}: train ${m.splits.train.documents} documents, ${m.splits.train.tokens} tokens; val ${m.splits.val.documents} documents, ${m.splits.val.tokens} tokens`,
  ];
  for (const f of m.problems) {
    for (const kind of ['invalidUtf8', 'malformed', 'empty'] as const) {
      const x = f[kind];
      if (x.count > 0) lines.push(`  ${f.file}: ${x.count} ${kind}, first ${JSON.stringify(x.first)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `llmforge-prepare` with `argv` (without the program name); returns the exit code.
 *
 * @example
 * ```ts
 * const code = await runPrepareCli(['--tokenizer', 'tok.json', '--out', 'data/a', 'corpus/']);
 * ```
 */
export async function runPrepareCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        tokenizer: { type: 'string' },
        out: { type: 'string' },
        field: { type: 'string' },
        separator: { type: 'string' },
        name: { type: 'string' },
        'val-fraction': { type: 'string' },
        seed: { type: 'string' },
        'shard-tokens': { type: 'string' },
        'near-threshold': { type: 'string' },
        'no-near-dedup': { type: 'boolean' },
        'no-filters': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const base = (values.config ? await loadConfigFile(values.config) : {}) as Partial<PrepareConfig>;
    const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    const spec = (path: string) =>
      values.field || values.separator
        ? {
            path,
            ...(values.field ? { field: values.field } : {}),
            ...(values.separator ? { separator: values.separator } : {}),
          }
        : path;
    const config: PrepareConfig = {
      ...base,
      inputs: positionals.length > 0 ? positionals.map(spec) : (base.inputs ?? []),
      outDir: values.out ?? base.outDir ?? '',
      tokenizer: values.tokenizer ?? base.tokenizer ?? '',
      stdin: io.stdin,
    };
    if (values.name) config.name = values.name;
    if (values.seed) config.seed = num(values.seed)!;
    if (values['shard-tokens']) config.shardTokens = num(values['shard-tokens'])!;
    if (values['val-fraction']) config.split = { ...base.split, valFraction: num(values['val-fraction'])! };
    if (values['no-filters'])
      config.filters = { minLength: null, maxNonLetterFraction: null, maxRepeatedLineFraction: null };
    if (values['no-near-dedup']) config.dedup = { ...base.dedup, near: false };
    else if (values['near-threshold']) {
      const near = base.dedup?.near || {};
      config.dedup = { ...base.dedup, near: { ...near, threshold: num(values['near-threshold'])! } };
    }
    if (!values.quiet) {
      config.onProgress = (p) =>
        io.stderr.write(
          `\r${(p.bytesRead / 1e6).toFixed(1)} MB read, ${p.documents} documents, ${p.kept} kept, ${p.tokens} tokens   `,
        );
    }
    const report = await prepareCorpus(config);
    if (!values.quiet) io.stderr.write('\n');
    io.stdout.write(summary(report));
    return 0;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      io.stderr.write(`llmforge-prepare: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    return reportError('llmforge-prepare', error, io);
  }
}

runIfMain(import.meta.url, (argv) => runPrepareCli(argv));
