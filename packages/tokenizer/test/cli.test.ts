import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type CliIO, runCli } from '../src/cli.js';
import { loadTokenizer } from '../src/node.js';
import { Tokenizer } from '../src/tokenizer/tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'llmforge-cli-'));
const corpus = join(dir, 'corpus.txt');
const austen = gunzipSync(
  readFileSync(new URL('../../../fixtures/austen-train.txt.gz', import.meta.url)),
).toString('utf8');
writeFileSync(corpus, austen.slice(0, 3_000_000)); // several 1 MiB read chunks: exercises line-aligned streaming
const tokFile = join(dir, 'tok.json');

function io(stdin = ''): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readStdin: async () => stdin,
    out: () => out,
    err: () => err,
  };
}

describe('llmforge-tokenizer CLI', () => {
  it('train writes a tokenizer.json with a progress bar on stderr', async () => {
    const t = io();
    const code = await runCli(
      [
        'train',
        '--model',
        'bpe',
        '--vocab-size',
        '1000',
        '--special-tokens',
        '<|endoftext|>,<|pad|>',
        '--out',
        tokFile,
        corpus,
      ],
      t,
    );
    expect(code).toBe(0);
    expect(existsSync(tokFile)).toBe(true);
    expect(t.err()).toMatch(/\rcount +\[#+\.*\] \d+% [\d.]+ MB/);
    expect(t.err()).toMatch(/merge +\[#{30}\] 100% 742\/742/);
    expect(t.err()).toMatch(/wrote .*tok\.json: vocab 1000/);
    const tok = await loadTokenizer(tokFile);
    expect(tok.tokenToId('<|pad|>')).toBe(1);
    // Streaming in chunks gives the same tokenizer as training on the whole text.
    const { trainTokenizer } = await import('../src/trainers/train-tokenizer.js');
    const direct = await trainTokenizer(
      { model: 'bpe', vocabSize: 1000, specialTokens: ['<|endoftext|>', '<|pad|>'] },
      austen.slice(0, 3_000_000),
    );
    expect(tok.toJSON()).toEqual(direct.toJSON());
  });

  it('encode prints ids (from --text or stdin), decode turns them back, inspect describes the file', async () => {
    const tok = await loadTokenizer(tokFile);
    const text = 'It is a truth universally acknowledged.';
    const a = io();
    expect(await runCli(['encode', '--tokenizer', tokFile, '--text', text], a)).toBe(0);
    expect(a.out()).toBe(`${tok.encode(text).join(' ')}\n`);
    const b = io(`${text}\n`); // as `echo` sends it: the final line break is dropped
    expect(await runCli(['encode', '--tokenizer', tokFile, '--json'], b)).toBe(0);
    expect(JSON.parse(b.out())).toEqual(tok.encode(text));

    const c = io();
    expect(await runCli(['decode', '--tokenizer', tokFile, ...a.out().trim().split(' ')], c)).toBe(0);
    expect(c.out()).toBe(`${text}\n`);
    const d = io(b.out());
    expect(await runCli(['decode', '--tokenizer', tokFile], d)).toBe(0);
    expect(d.out()).toBe(`${text}\n`);

    const e = io();
    expect(await runCli(['inspect', tokFile], e)).toBe(0);
    expect(e.out()).toContain('type           BPE');
    expect(e.out()).toContain('vocab size     1000');
    expect(e.out()).toContain('pre-tokenizer  ByteLevel');
    expect(e.out()).toContain('special tokens <|endoftext|>=0 <|pad|>=1');
  });

  it('reports usage problems with exit code 2 and tokenizer errors with exit code 1', async () => {
    const a = io();
    expect(await runCli(['train', '--vocab-size', '100', corpus], a)).toBe(2);
    expect(a.err()).toContain('--out: expected the output file');
    const b = io();
    expect(await runCli(['frobnicate'], b)).toBe(2);
    expect(b.err()).toContain('unknown command "frobnicate"');
    const c = io();
    expect(await runCli(['decode', '--tokenizer', tokFile, '5', 'x'], c)).toBe(2);
    expect(c.err()).toContain('found "x"');
    const d = io();
    expect(await runCli(['decode', '--tokenizer', tokFile, '999999'], d)).toBe(1);
    expect(d.err()).toMatch(/llmforge-tokenizer decode: decode: .*999999/);
    const e = io();
    expect(await runCli(['inspect', join(dir, 'missing.json')], e)).toBe(1);
  });

  it('runs as a program (tsx src/cli.ts) reading stdin', () => {
    // the source condition: workspace dependencies resolve to their TypeScript, no build needed
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const node = ['--conditions=@llmforge/source', '--import', 'tsx', cli];
    const r = spawnSync(process.execPath, [...node, 'encode', '--tokenizer', tokFile], {
      input: 'Mr. Darcy',
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(' ').map(Number)).toEqual(
      Tokenizer.fromJSON(readFileSync(tokFile, 'utf8')).encode('Mr. Darcy'),
    );
  });
});
