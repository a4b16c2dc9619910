import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { loadTokenizer } from '@llmforge/tokenizer/node';
import { describe, expect, it } from 'vitest';
import { CorpusError, TrainerConfigError } from '../src/index.js';
import {
  type FileReport,
  firstInvalidUtf8,
  loadDataset,
  prepareCorpus,
  readDocuments,
  ShardReader,
} from '../src/node.js';
import { runPrepareCli } from '../src/prepare/prepare-cli.js';
import { SAMPLE, TOKENIZER, tempDir } from './helpers/fixtures.js';

const S = 'It is a truth universally acknowledged, that a single man in possession of a good fortune';
const T =
  'However little known the feelings or views of such a man may be on his first entering a neighbourhood';

async function collect(input: Parameters<typeof readDocuments>[0], stdin?: AsyncIterable<Uint8Array>) {
  const reports: FileReport[] = [];
  const docs: string[] = [];
  for await (const d of readDocuments(input, reports, { invalidUtf8: 'skip', ...(stdin ? { stdin } : {}) }))
    docs.push(d.text);
  return { docs, reports };
}

describe('reading inputs', () => {
  it('finds the first invalid UTF-8 byte', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('héllo'))).toBe(-1);
    expect(firstInvalidUtf8(new Uint8Array([0x68, 0xc3, 0x28]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a UTF-8 encoded surrogate
    expect(firstInvalidUtf8(new Uint8Array([0xc0, 0x80]))).toBe(0); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });

  it('reports invalid UTF-8 and malformed JSONL lines per file with the first offender', async () => {
    const dir = tempDir();
    const jsonl = join(dir, 'a.jsonl');
    const good = (t: string) => Buffer.from(`${JSON.stringify({ body: t })}\n`);
    writeFileSync(
      jsonl,
      Buffer.concat([
        good(S),
        Buffer.from('{"body": "bad \xff byte"}\n', 'latin1'),
        Buffer.from('not json\n'),
        Buffer.from('{"title": "no body"}\n'),
        Buffer.from('\n'),
        good('\ud800 lone'),
        good(T),
      ]),
    );
    const { docs, reports } = await collect({ path: jsonl, field: 'body' });
    expect(docs).toEqual([S, T]);
    const r = reports[0]!;
    expect(r.documents).toBe(6);
    expect(r.invalidUtf8).toEqual({ count: 2, first: { document: 1, line: 2, byteOffset: 14 } });
    expect(r.malformed.count).toBe(2);
    expect(r.malformed.first).toMatchObject({ line: 3 });
  });

  it('reads folders recursively and in order, globs, separators, gzip and stdin', async () => {
    const dir = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', '2.txt'), T);
    writeFileSync(join(dir, '1.txt'), `${S}\n\n\n${T}`);
    writeFileSync(join(dir, '3.txt.gz'), gzipSync(S));
    expect((await collect({ path: dir })).docs).toEqual([`${S}\n\n\n${T}`, S, T]);
    expect((await collect({ path: join(dir, '*.txt'), separator: '\n\n\n' })).docs).toEqual([S, T]);
    const stdin = Readable.from([Buffer.from(`${S}\n\n`), Buffer.from(`\n${T}`)]);
    const viaStdin = await collect({ path: '-', separator: '\n\n\n' }, stdin);
    expect(viaStdin.docs).toEqual([S, T]);
    expect(viaStdin.reports[0]!.file).toBe('<stdin>');
    await expect(collect({ path: join(dir, 'nope', '*.txt') })).rejects.toThrow(CorpusError);
  });
});

describe('prepareCorpus', () => {
  it('cleans, dedups, splits and tokenizes into shards that decode back to the kept documents', async () => {
    const dir = tempDir();
    const input = join(dir, 'docs.jsonl');
    const docs = [
      S,
      S,
      `${S} `,
      'short',
      T,
      '1234 5678 9012 3456 7890 1234 5678 9012',
      '   ',
      'Cafe\u0301 society was all the talk of Highbury that winter.',
    ];
    writeFileSync(input, docs.map((text) => JSON.stringify({ text })).join('\n'));
    const { manifest, files } = await prepareCorpus({
      inputs: [input],
      outDir: join(dir, 'out'),
      tokenizer: TOKENIZER,
      split: { valFraction: 0 },
    });
    const k = manifest.counts;
    expect(k.read).toBe(8);
    expect(k.empty).toBe(1);
    expect(k.filtered.minLength!.documents).toBe(1);
    expect(k.filtered.maxNonLetter!.documents).toBe(1);
    expect(k.exactDuplicates).toEqual({ documents: 2, bytes: 2 * Buffer.byteLength(S) }); // trailing space trimmed
    expect(k.kept).toBe(3);
    expect(files[0]!.empty).toEqual({ count: 1, first: { document: 6, line: 7 } });
    const tok = await loadTokenizer(TOKENIZER);
    const eot = manifest.tokenizer.endOfText.id;
    const ds = loadDataset(join(dir, 'out'));
    const shard = ShardReader.open(ds.train[0]!);
    const ids = Array.from(shard.read(0, shard.tokens));
    shard.close();
    // [eot, doc, eot, doc, ...]: split on eot and decode
    const groups: number[][] = [];
    for (const id of ids) {
      if (id === eot) groups.push([]);
      else groups[groups.length - 1]!.push(id);
    }
    const texts = groups.map((g) => tok.decode(g));
    expect(texts).toEqual([S, T, 'Café society was all the talk of Highbury that winter.']);
    expect(manifest.splits.train.bytes).toBe(texts.reduce((s, t) => s + Buffer.byteLength(t), 0));
    const bytes = ids.reduce((s, id) => s + manifest.tokenBytes[id]!, 0);
    expect(bytes).toBe(manifest.splits.train.bytes); // token byte lengths add up to the text
    expect(readFileSync(join(dir, 'out', 'tokenizer.json'), 'utf8')).toContain('<|endoftext|>');
  });

  it('splits by document with the seed (same seed, same split) and honours forced splits', async () => {
    const dir = tempDir();
    const run = (seed: number, out: string) =>
      prepareCorpus({
        inputs: [
          { path: SAMPLE, separator: '\n\n' },
          { path: SAMPLE, split: 'val' },
        ],
        outDir: join(dir, out),
        name: 'sample',
        tokenizer: TOKENIZER,
        dedup: { exact: true, near: false },
        split: { valFraction: 0.2 },
        seed,
      });
    const a = await run(1, 'a');
    const b = await run(1, 'b');
    const c = await run(2, 'c');
    expect(a.manifest.splits).toEqual(b.manifest.splits);
    expect(a.manifest.splits.val.documents).not.toBe(c.manifest.splits.val.documents);
    const n = a.manifest.counts.kept - 1; // the whole file (forced into val) is the last kept document
    expect(a.manifest.splits.val.documents - 1).toBeGreaterThan(n * 0.12);
    expect(a.manifest.splits.val.documents - 1).toBeLessThan(n * 0.28);
  });

  it('rejects bad configs before reading anything, naming the field', async () => {
    const base = { inputs: [SAMPLE], outDir: join(tempDir(), 'x'), tokenizer: TOKENIZER };
    const cases: [object, RegExp][] = [
      [{ ...base, inputs: [] }, /inputs: expected a non-empty list/],
      [
        { ...base, split: { valFraction: 2 } },
        /split\.valFraction: expected a number >= 0 and <= 1, found 2/,
      ],
      [{ ...base, dedup: { near: { threshold: 0 } } }, /dedup\.near\.threshold/],
      [{ ...base, filters: { minLenght: 3 } }, /filters\.minLenght: expected one of the known fields/],
      [{ ...base, endOfText: '<eos>' }, /endOfText: expected the tokenizer to have the token "<eos>"/],
    ];
    for (const [config, message] of cases) {
      await expect(prepareCorpus(config as never)).rejects.toThrow(message);
    }
    await expect(prepareCorpus({ ...base, split: { valFraction: -1 } })).rejects.toBeInstanceOf(
      TrainerConfigError,
    );
  });

  it('runs as a CLI, reading stdin, and prints the counts', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = (a: string[]) => ({ write: (s: string) => a.push(s) }) as unknown as NodeJS.WritableStream;
    const dir = tempDir();
    const code = await runPrepareCli(
      [
        '--tokenizer',
        TOKENIZER,
        '--out',
        join(dir, 'cli'),
        '--separator',
        '\n\n',
        '--val-fraction',
        '0.5',
        '--quiet',
        '-',
      ],
      { stdout: sink(out), stderr: sink(err), stdin: Readable.from([Buffer.from(`${S}\n\n${T}\n\n${S}`)]) },
    );
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/read 3 documents.*\n.*\n.*\n.*\n.*\n.*exact duplicates 1/);
    const bad = await runPrepareCli(
      ['--tokenizer', TOKENIZER, '--out', join(dir, 'x'), '--val-fraction', 'lots', SAMPLE],
      {
        stdout: sink(out),
        stderr: sink(err),
        stdin: Readable.from([]),
      },
    );
    expect(bad).toBe(1);
    expect(err.join('')).toMatch(/llmforge-prepare: prepareCorpus: split\.valFraction: expected a number/);
  });
});
