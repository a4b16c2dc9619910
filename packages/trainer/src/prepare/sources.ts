/**
 * Where documents come from: text files (one document per file, or split on a separator), folders
 * (every file below, recursively), globs, JSONL files with a named text field, and standard input;
 * `.gz` files are decompressed on the fly. Everything streams: a file is read in 1 MB chunks and
 * only the current document is held in memory.
 *
 * Nothing is skipped silently. Each file gets a {@link FileReport} counting its documents, its
 * invalid UTF-8 documents and malformed JSONL lines, each with the first offender (document index,
 * line, byte offset), and later stages add the empty documents to the same report.
 *
 *   inputs ─► expandInputs (files, sorted) ─► readDocuments ─► { text, report, ref } per document
 */

import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { CorpusError } from '../errors.js';

/** One input of {@link PrepareConfig.inputs}: a path or glob string, or this object. */
export interface InputSpec {
  /** A file, a folder (every file below it), or a glob (`data/**\/*.jsonl`); `-` is standard input. */
  path: string;
  /** `text` or `jsonl`. Default: `jsonl` for `.jsonl` / `.ndjson` (optionally `.gz`), else `text`. */
  format?: 'text' | 'jsonl';
  /** JSONL: the field that holds the document text. Default `text` (the HF datasets convention). */
  field?: string;
  /**
   * Text: a string separating documents inside a file (e.g. `"\n\n\n"`). Default: a file is one
   * document (a book, an article), the nanoGPT / llm.c convention.
   */
  separator?: string;
  /** Put every document of this input in this split (a held-out file), instead of the seeded draw. */
  split?: 'train' | 'val';
}

/** Where one offending document is: its index in the file, its line (JSONL), the byte in it. */
export interface Offender {
  document: number;
  line?: number;
  byteOffset?: number;
  /** What was wrong, for malformed lines. */
  detail?: string;
}

/** A count and the first offender. */
export interface OffenderCount {
  count: number;
  first: Offender | null;
}

/** What was read from one file (or standard input), filled as documents stream past. */
export interface FileReport {
  file: string;
  format: 'text' | 'jsonl';
  /** Documents read (including the invalid, malformed and empty ones). */
  documents: number;
  /** Bytes read (after decompression). */
  bytes: number;
  /** Documents that are not valid UTF-8 (or hold lone surrogates); skipped or repaired per `invalidUtf8`. */
  invalidUtf8: OffenderCount;
  /** JSONL lines that are not JSON objects with a string in the text field; skipped. */
  malformed: OffenderCount;
  /** Documents empty after normalization; skipped. */
  empty: OffenderCount;
}

/** A document as read. */
export interface SourceDocument {
  text: string;
  /** The report of the file it came from (later stages add to it). */
  report: FileReport;
  /** Where it is, for reports. */
  ref: Offender;
  /** A forced split from the input spec. */
  split?: 'train' | 'val';
}

/** Options of {@link readDocuments}. */
export interface ReadOptions {
  /** `skip` (default) or `replace` invalid UTF-8 with U+FFFD. */
  invalidUtf8: 'skip' | 'replace';
  /** Standard input's byte chunks (default `process.stdin`). */
  stdin?: AsyncIterable<Uint8Array>;
}

// with the u flag a surrogate range only matches surrogates that are not part of a pair
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const LONE_SURROGATES = /[\uD800-\uDFFF]/gu;
const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * The byte offset of the first invalid UTF-8 sequence in `bytes`, or −1 when they are valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF count as invalid, as in the standard).
 *
 * @example
 * ```ts
 * firstInvalidUtf8(new Uint8Array([0x68, 0x69]));       // -1
 * firstInvalidUtf8(new Uint8Array([0x68, 0xc3, 0x28])); // 1 (a 2-byte lead followed by ASCII)
 * ```
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  try {
    fatalDecoder.decode(bytes);
    return -1;
  } catch {
    // slow path, only for invalid input: find where
  }
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong 3-byte forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90; // no overlong 4-byte forms
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/**
 * `.jsonl`, `.ndjson` (with or without `.gz`) are JSONL; everything else is text.
 *
 * @example
 * ```ts
 * formatOf('dump.jsonl.gz'); // 'jsonl'
 * formatOf('emma.txt');      // 'text'
 * ```
 */
export function formatOf(file: string): 'text' | 'jsonl' {
  return /\.(jsonl|ndjson)(\.gz)?$/i.test(file) ? 'jsonl' : 'text';
}

/**
 * The files an input names, sorted (so a run is reproducible): the file itself, every file below a
 * folder, or a glob's matches. Throws {@link CorpusError} when nothing matches.
 *
 * @example
 * ```ts
 * await expandInput('corpus/austen');          // ['/abs/corpus/austen/emma.txt', ...]
 * await expandInput('data/**\/*.jsonl.gz');
 * ```
 */
export async function expandInput(path: string): Promise<string[]> {
  if (path === '-') return ['-'];
  let files: string[];
  if (isDynamicPattern(path)) {
    files = await glob(path, { absolute: true, onlyFiles: true, dot: false });
  } else {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (cause) {
      throw new CorpusError({
        operation: 'prepareCorpus',
        where: 'inputs',
        file: path,
        expected: 'an existing file, folder or a glob',
        found: (cause as NodeJS.ErrnoException).code ?? String(cause),
        hint: 'check the path (globs need quotes in a shell so the program sees them)',
        cause,
      });
    }
    files = isDir
      ? await glob('**/*', { cwd: path, absolute: true, onlyFiles: true, dot: false })
      : [resolve(path)];
  }
  if (files.length === 0) {
    throw new CorpusError({
      operation: 'prepareCorpus',
      where: 'inputs',
      file: path,
      expected: 'at least one file',
      found: 'none',
      hint: 'check the glob or the folder',
    });
  }
  return files.sort();
}

function emptyReport(file: string, format: 'text' | 'jsonl'): FileReport {
  const none = (): OffenderCount => ({ count: 0, first: null });
  return { file, format, documents: 0, bytes: 0, invalidUtf8: none(), malformed: none(), empty: none() };
}

/**
 * Counts an offender in a report entry (keeping the first).
 *
 * @example
 * ```ts
 * countOffender(report.empty, { document: 3 }); // count + 1, first kept
 * ```
 */
export function countOffender(entry: OffenderCount, offender: Offender): void {
  entry.count++;
  entry.first ??= offender;
}

async function* fileChunks(file: string, report: FileReport, stdin: AsyncIterable<Uint8Array> | undefined) {
  if (file === '-') {
    for await (const chunk of (stdin ?? process.stdin) as AsyncIterable<Uint8Array>) {
      report.bytes += chunk.length;
      yield chunk;
    }
    return;
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = /\.gz$/i.test(file) ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of stream) {
      report.bytes += (chunk as Uint8Array).length;
      yield chunk as Uint8Array;
    }
  } catch (cause) {
    throw new CorpusError({
      operation: 'prepareCorpus',
      file,
      expected: 'a readable file',
      found: (cause as NodeJS.ErrnoException).code ?? String(cause),
      cause,
    });
  }
}

/**
 * Splits a byte stream on `separator` (the separator is dropped); a missing separator yields the
 * whole stream as one piece. Only the piece being assembled is held in memory.
 */
export async function* splitBytes(
  chunks: AsyncIterable<Uint8Array>,
  separator: Uint8Array | null,
): AsyncGenerator<Uint8Array> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunks) {
    let buf = carry.length === 0 ? Buffer.from(chunk) : Buffer.concat([carry, chunk]);
    if (separator !== null) {
      let from = 0;
      for (;;) {
        const at = buf.indexOf(separator, from);
        if (at === -1) break;
        yield buf.subarray(from, at);
        from = at + separator.length;
      }
      buf = buf.subarray(from);
    }
    carry = Buffer.from(buf); // copy: do not pin the whole chunk for a small tail
  }
  if (carry.length > 0 || separator === null) yield carry;
}

/** Decodes a document's bytes, counting invalid UTF-8; undefined when it is skipped. */
function decode(
  bytes: Uint8Array,
  report: FileReport,
  ref: Offender,
  options: ReadOptions,
): string | undefined {
  const bad = firstInvalidUtf8(bytes);
  if (bad === -1) return lossyDecoder.decode(bytes);
  countOffender(report.invalidUtf8, { ...ref, byteOffset: bad });
  return options.invalidUtf8 === 'replace' ? lossyDecoder.decode(bytes) : undefined;
}

/**
 * Streams the documents of one input, file after file, filling a {@link FileReport} per file
 * (`reports` receives each report when its file starts).
 *
 * @example
 * ```ts
 * const reports: FileReport[] = [];
 * for await (const doc of readDocuments({ path: 'data/*.jsonl', field: 'body' }, reports, { invalidUtf8: 'skip' })) {
 *   console.log(doc.ref.line, doc.text.length);
 * }
 * ```
 */
export async function* readDocuments(
  input: InputSpec,
  reports: FileReport[],
  options: ReadOptions,
): AsyncGenerator<SourceDocument> {
  const encoder = new TextEncoder();
  for (const file of await expandInput(input.path)) {
    const format = input.format ?? (file === '-' ? 'text' : formatOf(file));
    const report = emptyReport(file === '-' ? '<stdin>' : file, format);
    reports.push(report);
    const jsonl = format === 'jsonl';
    const separator = jsonl ? encoder.encode('\n') : input.separator ? encoder.encode(input.separator) : null;
    const field = input.field ?? 'text';
    let index = 0;
    for await (const piece of splitBytes(fileChunks(file, report, options.stdin), separator)) {
      const ref: Offender = jsonl ? { document: index, line: index + 1 } : { document: index };
      index++;
      if (jsonl && piece.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)) continue; // blank line
      report.documents++;
      let text = decode(piece, report, ref, options);
      if (text === undefined) continue;
      if (jsonl) {
        let value: unknown;
        try {
          value = (JSON.parse(text) as Record<string, unknown>)?.[field];
        } catch (cause) {
          countOffender(report.malformed, { ...ref, detail: `not JSON (${(cause as Error).message})` });
          continue;
        }
        if (typeof value !== 'string') {
          countOffender(report.malformed, { ...ref, detail: `no string field "${field}"` });
          continue;
        }
        text = value;
        if (LONE_SURROGATE.test(text)) {
          // JSON escapes can smuggle in lone surrogates, which have no UTF-8 encoding
          countOffender(report.invalidUtf8, { ...ref, detail: 'lone surrogate' });
          if (options.invalidUtf8 === 'skip') continue;
          text = text.replace(LONE_SURROGATES, '\uFFFD');
        }
      }
      yield { text, report, ref, ...(input.split ? { split: input.split } : {}) };
    }
  }
}
