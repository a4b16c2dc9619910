/**
 * The `llmforge-tokenizer` command line:
 *
 * ```
 * llmforge-tokenizer train --model bpe --vocab-size 8192 --out tok.json corpus/*.txt
 * llmforge-tokenizer encode --tokenizer tok.json --text "Hello world"      -> 15496 995
 * echo "Hello world" | llmforge-tokenizer encode --tokenizer tok.json
 * llmforge-tokenizer decode --tokenizer tok.json 15496 995                  -> Hello world
 * llmforge-tokenizer inspect tok.json
 * ```
 *
 * `runCli(argv, io)` does the work and returns the exit code, so tests run it in-process; the
 * file runs it on `process.argv` only when executed as the program.
 */
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { LlmforgeError } from '@llmforge/errors';
import { TokenizerError } from './errors.js';
import { loadTokenizer, saveTokenizer } from './node.js';
import { fileError } from './tokenizer/file-errors.js';
import type { Tokenizer } from './tokenizer/tokenizer.js';
import type { TrainProgress } from './trainers/progress.js';
import { trainTokenizer } from './trainers/train-tokenizer.js';

/** Where the CLI reads and writes; `process` streams by default. */
export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Whole standard input as text (only read when a command needs it). */
  readStdin: () => Promise<string>;
}

const USAGE = `usage:
  llmforge-tokenizer train --model bpe|unigram --vocab-size N --out tok.json [options] files...
      --min-frequency N      BPE: least count of a merged pair (default 2)
      --special-tokens a,b   special tokens, first ids, in order
      --pattern NAME|REGEX   BPE split: gpt2 (default), cl100k, o200k or a regex
      --char-level           BPE over characters instead of bytes
      --byte-fallback        Unigram, character BPE: <0x00>..<0xFF> tokens for unknown characters
      --unk-token TOKEN      Unigram, character BPE: the unknown token (default <unk>)
      --quiet                no progress bar
  llmforge-tokenizer encode --tokenizer tok.json [--text TEXT] [--json]   (stdin when no --text,
                                                                          less one final line break)
  llmforge-tokenizer decode --tokenizer tok.json [ids...]                 (stdin when no ids)
  llmforge-tokenizer inspect tok.json
  --allow-unsafe-regex (any command): accept regexes that can backtrack catastrophically
exit codes: 0 done, 1 failed (the message says why), 2 bad usage
`;

/** Stream files as line-aligned chunks (a chunk never ends inside a line), counting bytes read. */
async function* readFiles(files: string[], seen: { bytes: number }): AsyncGenerator<string> {
  for (const file of files) {
    let carry = '';
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    try {
      for await (const chunk of stream) {
        seen.bytes += Buffer.byteLength(chunk as string);
        const text = carry + (chunk as string);
        const cut = text.lastIndexOf('\n') + 1;
        carry = text.slice(cut);
        if (cut > 0) yield text.slice(0, cut);
      }
    } catch (cause) {
      throw fileError('train', file, cause, 'read');
    }
    if (carry) yield carry;
  }
}

/** The size of a training file, or a TokenizerError naming it (missing, a directory, unreadable). */
function inputSize(file: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(file);
  } catch (cause) {
    throw fileError('train', file, cause, 'read');
  }
  if (stats.isDirectory()) {
    throw fileError('train', file, Object.assign(new Error(`EISDIR: ${file}`), { code: 'EISDIR' }), 'read');
  }
  return stats.size;
}

/** Fails before training (not after an hour of it) when `out` cannot be written. */
function checkOutput(out: string): void {
  const dir = dirname(out);
  let problem: string | undefined;
  try {
    if (!statSync(dir).isDirectory()) problem = 'ENOTDIR';
    else if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) problem = 'EISDIR';
  } catch (cause) {
    throw fileError('train', out, cause, 'write');
  }
  if (problem)
    throw fileError('train', out, Object.assign(new Error(`${problem}: ${out}`), { code: problem }), 'write');
}

function progressBar(stderr: CliIO['stderr'], totalBytes: number, seen: { bytes: number }) {
  let last = '';
  return (p: TrainProgress): void => {
    const done = p.phase === 'count' ? seen.bytes : p.done;
    const total = p.phase === 'count' ? totalBytes : p.total;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const bar =
      total > 0 ? `[${'#'.repeat(Math.round(frac * 30)).padEnd(30, '.')}] ${(frac * 100).toFixed(0)}%` : '';
    const what =
      p.phase === 'count' ? `${(done / 1e6).toFixed(1)} MB` : total > 0 ? `${done}/${total}` : `${done}`;
    const line = `${p.phase.padEnd(6)} ${bar} ${what}`;
    if (line !== last) stderr.write(`\r${line.padEnd(60)}`);
    last = line;
  };
}

async function train(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'bpe' },
      'vocab-size': { type: 'string' },
      out: { type: 'string' },
      'min-frequency': { type: 'string' },
      'special-tokens': { type: 'string' },
      pattern: { type: 'string' },
      'byte-fallback': { type: 'boolean', default: false },
      'char-level': { type: 'boolean', default: false },
      'unk-token': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'allow-unsafe-regex': { type: 'boolean', default: false },
    },
  });
  const vocabSize = Number(values['vocab-size']);
  const minFrequency = values['min-frequency'] === undefined ? undefined : Number(values['min-frequency']);
  if (values.model !== 'bpe' && values.model !== 'unigram')
    return usage(io, `--model: expected bpe or unigram, found ${values.model}`);
  if (!Number.isInteger(vocabSize) || vocabSize <= 0)
    return usage(io, '--vocab-size: expected a positive integer');
  if (!values.out) return usage(io, '--out: expected the output file');
  if (minFrequency !== undefined && (!Number.isInteger(minFrequency) || minFrequency < 0))
    return usage(io, `--min-frequency: expected a non-negative integer, found ${values['min-frequency']}`);
  if (positionals.length === 0) return usage(io, 'train: expected at least one text file');
  const totalBytes = positionals.reduce((s, f) => s + inputSize(f), 0);
  checkOutput(values.out);
  const seen = { bytes: 0 };
  const started = performance.now();
  const tokenizer = await trainTokenizer(
    {
      model: values.model,
      vocabSize,
      ...(minFrequency !== undefined ? { minFrequency } : {}),
      ...(values['allow-unsafe-regex'] ? { allowUnsafeRegex: true } : {}),
      ...(values['special-tokens'] ? { specialTokens: values['special-tokens'].split(',') } : {}),
      ...(values.pattern ? { pattern: values.pattern } : {}),
      byteFallback: values['byte-fallback'],
      byteLevel: !values['char-level'],
      ...(values['unk-token'] ? { unkToken: values['unk-token'] } : {}),
      ...(values.quiet ? {} : { onProgress: progressBar(io.stderr, totalBytes, seen) }),
    },
    readFiles(positionals, seen),
  );
  await saveTokenizer(tokenizer, values.out);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stderr.write(
    `${values.quiet ? '' : '\n'}wrote ${values.out}: vocab ${tokenizer.vocabSize}, ${seconds} s\n`,
  );
  return 0;
}

async function load(
  path: string | undefined,
  io: CliIO,
  allowUnsafeRegex: boolean | undefined,
): Promise<Tokenizer | null> {
  if (!path) {
    usage(io, '--tokenizer: expected a tokenizer file (tokenizer.json, .model or .tiktoken)');
    return null;
  }
  return loadTokenizer(path, allowUnsafeRegex ? { allowUnsafeRegex: true } : {});
}

async function encode(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      tokenizer: { type: 'string' },
      text: { type: 'string' },
      json: { type: 'boolean', default: false },
      'allow-unsafe-regex': { type: 'boolean', default: false },
    },
  });
  const tok = await load(values.tokenizer, io, values['allow-unsafe-regex']);
  if (!tok) return 2;
  // From stdin, one trailing line break (what `echo` adds) is not part of the text.
  const text = values.text ?? (await io.readStdin()).replace(/\r?\n$/, '');
  const ids = tok.encode(text);
  io.stdout.write(`${values.json ? JSON.stringify(ids) : ids.join(' ')}\n`);
  return 0;
}

async function decode(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tokenizer: { type: 'string' }, 'allow-unsafe-regex': { type: 'boolean', default: false } },
  });
  const tok = await load(values.tokenizer, io, values['allow-unsafe-regex']);
  if (!tok) return 2;
  const source = positionals.length > 0 ? positionals.join(' ') : await io.readStdin();
  const words = source.split(/[\s,[\]]+/).filter((w) => w.length > 0);
  const ids = words.map(Number);
  const bad = words.find((_w, i) => !Number.isInteger(ids[i]) || ids[i]! < 0);
  if (bad !== undefined)
    return usage(io, `decode: expected token ids (non-negative integers), found "${bad}"`);
  io.stdout.write(`${tok.decode(ids)}\n`);
  return 0;
}

async function inspect(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { tokenizer: { type: 'string' }, 'allow-unsafe-regex': { type: 'boolean', default: false } },
  });
  const tok = await load(values.tokenizer ?? positionals[0], io, values['allow-unsafe-regex']);
  if (!tok) return 2;
  const json = tok.toJSON() as Record<string, unknown>;
  const describe = (part: unknown): string => {
    if (part === null || part === undefined) return '(none)';
    const o = part as Record<string, unknown>;
    const inner = (o.normalizers ?? o.pretokenizers ?? o.decoders ?? o.processors) as unknown[] | undefined;
    return inner ? `${o.type}[${inner.map(describe).join(', ')}]` : String(o.type);
  };
  const added = (json.added_tokens ?? []) as { id: number; content: string; special: boolean }[];
  const lines = [
    `type           ${describe(json.model)}`,
    `vocab size     ${tok.vocabSize}`,
    `normalizer     ${describe(json.normalizer)}`,
    `pre-tokenizer  ${describe(json.pre_tokenizer)}`,
    `post-processor ${describe(json.post_processor)}`,
    `decoder        ${describe(json.decoder)}`,
    `special tokens ${
      added
        .filter((t) => t.special)
        .map((t) => `${t.content}=${t.id}`)
        .join(' ') || '(none)'
    }`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function usage(io: CliIO, problem?: string): number {
  if (problem) io.stderr.write(`llmforge-tokenizer: ${problem}\n`);
  io.stderr.write(USAGE);
  return 2;
}

/**
 * Run the CLI with `argv` (without `node` and the script); resolves to the exit code. The
 * installed `llmforge-tokenizer` binary is this function on `process.argv`.
 *
 * @example
 * ```ts
 * // from the package folder: npx tsx -e "import('./src/cli.ts').then((m) => m.runCli(['--help']))"
 * const { runCli } = await import('./cli.js');
 * const code = await runCli(['inspect', 'tok.json']); // prints type, vocab size, components
 * ```
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'train':
        return await train(rest, io);
      case 'encode':
        return await encode(rest, io);
      case 'decode':
        return await decode(rest, io);
      case 'inspect':
        return await inspect(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        return usage(io);
      default:
        return usage(io, `unknown command "${command}"`);
    }
  } catch (error) {
    return report(io, command, error);
  }
}

/**
 * One line on stderr for any failure, no stack trace: exit 2 for bad usage (an unknown option), 1
 * for everything else. An error that is not one of ours is a bug: the line says so.
 */
function report(io: CliIO, command: string | undefined, error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    return usage(io, `${command}: ${message}`);
  if (TokenizerError.isInstance(error) || LlmforgeError.isInstance(error)) {
    io.stderr.write(`llmforge-tokenizer ${command}: ${message}\n`);
  } else if (typeof code === 'string') {
    io.stderr.write(`llmforge-tokenizer ${command}: ${message}\n`); // a system error: its message names the path
  } else {
    io.stderr.write(`llmforge-tokenizer ${command}: internal error: ${message} (please report this)\n`);
  }
  return 1;
}

function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = report(processIO(), process.argv[2], error);
    },
  );
}
