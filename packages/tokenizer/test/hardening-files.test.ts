// Issue 10, tokenizer side: file-system errors of loadTokenizer(path), saveTokenizer and the CLI are TokenizerErrors
// naming the file with a hint (the Node error kept as `cause`); saveTokenizer is atomic; the CLI prints one
// line and exits 1 (2 for usage). Failures that root cannot provoke on a real disk (a full disk,
// permission denied) are injected into node:fs/promises.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CliIO, runCli } from '../src/cli.js';
import { Tokenizer, TokenizerError } from '../src/index.js';
import { loadTokenizer, saveTokenizer } from '../src/node.js';

/** A failure to inject: the fs/promises function and the error code it fails with. */
const inject: { fn: string | null; code: string; afterBytes?: number } = { fn: null, code: '' };

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (code: string) => Object.assign(new Error(`${code}: injected failure`), { code });
  return {
    ...real,
    readFile: (...args: Parameters<typeof real.readFile>) =>
      inject.fn === 'readFile' ? Promise.reject(fail(inject.code)) : real.readFile(...args),
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (inject.fn !== 'write') return handle;
      // A disk that fills up half-way through the write: some bytes land, then ENOSPC.
      return new Proxy(handle, {
        get(target, key) {
          if (key === 'writeFile') {
            return async (data: string | Uint8Array) => {
              await target.writeFile(data.slice(0, inject.afterBytes ?? 10));
              throw fail(inject.code);
            };
          }
          const v = Reflect.get(target, key);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
});

afterEach(() => {
  inject.fn = null;
});

const dir = mkdtempSync(join(tmpdir(), 'llmforge-files-'));
const good = join(dir, 'good.json');
const tokenizerJSON = {
  version: '1.0',
  added_tokens: [],
  normalizer: null,
  pre_tokenizer: { type: 'WhitespaceSplit' },
  model: { type: 'WordPiece', vocab: { '[UNK]': 0, hello: 1 }, unk_token: '[UNK]' },
};
writeFileSync(good, JSON.stringify(tokenizerJSON));
mkdirSync(join(dir, 'folder.json'));

async function rejection(p: Promise<unknown>): Promise<TokenizerError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  if (!TokenizerError.isInstance(e)) throw new Error(`expected a TokenizerError, got ${String(e)}`);
  return e;
}

describe('loadTokenizer(path)', () => {
  it.each([
    ['a missing file', join(dir, 'missing.json'), /no such file/, 'ENOENT'],
    ['a directory', join(dir, 'folder.json'), /a directory/, 'EISDIR'],
    ['a parent that is a file', join(good, 'x.json'), /not a directory/, 'ENOTDIR'],
  ])('%s: a TokenizerError naming the file, with a hint and the cause', async (_name, path, found, code) => {
    const e = await rejection(loadTokenizer(path));
    expect(e.file).toBe(path);
    expect(e.found).toMatch(found);
    expect(e.hint).toBeTruthy();
    expect((e.cause as { code?: string }).code).toBe(code);
  });

  it('permission denied (injected: root reads anything)', async () => {
    inject.fn = 'readFile';
    inject.code = 'EACCES';
    const e = await rejection(loadTokenizer(good));
    expect(e.message).toMatch(
      /good\.json: expected a readable file, found permission denied; hint: check the read permissions/,
    );
  });

  it('a file that is not a tokenizer: the format error names the file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"model": 5}');
    const e = await rejection(loadTokenizer(bad));
    expect(e.file).toBe(bad);
    expect(e.where).toBe('model');
  });
});

describe('saveTokenizer', () => {
  const tok = Tokenizer.fromJSON(tokenizerJSON);

  it('writes atomically: the file appears whole, no temporary file is left', async () => {
    const out = join(dir, 'saved.json');
    await saveTokenizer(tok, out);
    expect(JSON.parse(readFileSync(out, 'utf8')).model.vocab).toEqual({ '[UNK]': 0, hello: 1 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['ENOSPC', /found the disk is full; hint: free some space/],
    ['EROFS', /found a read-only file system; hint: write somewhere writable/],
    ['EACCES', /found permission denied; hint: check the write permissions/],
  ])('%s mid-write (injected) leaves the old file intact and no temporary file', async (code, message) => {
    const out = join(dir, 'keep.json');
    writeFileSync(out, 'OLD CONTENT');
    inject.fn = 'write';
    inject.code = code;
    const e = await rejection(saveTokenizer(tok, out));
    expect(e.message).toMatch(/keep\.json: expected to write the file/);
    expect(e.message).toMatch(message);
    expect((e.cause as { code?: string }).code).toBe(code);
    expect(readFileSync(out, 'utf8')).toBe('OLD CONTENT');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['into a missing folder', join(dir, 'nope', 'out.json'), /its folder does not exist/],
    ['over a directory', join(dir, 'folder.json'), /a directory/],
    ['under a file', join(good, 'out.json'), /not a directory/],
  ])('%s: a TokenizerError naming the file', async (_name, path, found) => {
    const e = await rejection(saveTokenizer(tok, path));
    expect(e.file).toBe(path);
    expect(e.found).toMatch(found);
    expect(e.hint).toBeTruthy();
  });
});

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

describe('the CLI: one line, exit 1 (2 for usage), never a stack trace', () => {
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'the cat sat on the mat\n'.repeat(50));

  it.each([
    [
      'encode a missing file',
      ['encode', '--tokenizer', join(dir, 'missing.json'), '--text', 'x'],
      1,
      /missing\.json: expected a readable file, found no such file; hint/,
    ],
    [
      'inspect a directory',
      ['inspect', join(dir, 'folder.json')],
      1,
      /folder\.json: expected a readable file, found a directory; hint/,
    ],
    [
      'decode an id outside the vocabulary',
      ['decode', '--tokenizer', good, '7'],
      1,
      /ids\[0\]: expected a token id in \[0, 2\)/,
    ],
    ['decode a word', ['decode', '--tokenizer', good, 'seven'], 2, /expected token ids/],
    ['an unknown option', ['encode', '--tokenizer', good, '--nope'], 2, /Unknown option '--nope'/],
    [
      'train on a missing file',
      ['train', '--vocab-size', '300', '--out', join(dir, 't.json'), join(dir, 'no.txt')],
      1,
      /no\.txt: expected a readable file, found no such file/,
    ],
    [
      'train on a directory',
      ['train', '--vocab-size', '300', '--out', join(dir, 't.json'), dir],
      1,
      /expected a readable file, found a directory/,
    ],
    [
      'train into a missing folder',
      ['train', '--vocab-size', '300', '--out', join(dir, 'no', 't.json'), corpus],
      1,
      /t\.json: expected to write the file, found its folder does not exist/,
    ],
    [
      'train with a bad regex',
      ['train', '--vocab-size', '300', '--pattern', '[a-', '--out', join(dir, 't.json'), corpus],
      1,
      /options\.pattern: expected a built-in name/,
    ],
    [
      'train with a catastrophic regex',
      [
        'train',
        '--vocab-size',
        '300',
        '--pattern',
        '(a+)+$',
        '--quiet',
        '--out',
        join(dir, 't.json'),
        corpus,
      ],
      1,
      /exponential backtracking/,
    ],
    [
      '--min-frequency x',
      ['train', '--vocab-size', '300', '--min-frequency', 'x', '--out', join(dir, 't.json'), corpus],
      2,
      /--min-frequency/,
    ],
  ])('%s', async (_name, argv, code, message) => {
    const t = io();
    expect(await runCli(argv as string[], t)).toBe(code);
    const first = t.err().split('\n')[0]!;
    expect(first).toMatch(message);
    expect(t.err()).not.toMatch(/\n\s+at /); // no stack frames
    if (code === 1) expect(t.err().trimEnd().split('\n')).toHaveLength(1);
  });

  it('a catastrophic regex trains with --allow-unsafe-regex', async () => {
    const t = io();
    const out = join(dir, 'unsafe.json');
    const argv = [
      'train',
      '--vocab-size',
      '270',
      '--pattern',
      '(\\w|\\d)+$',
      '--quiet',
      '--allow-unsafe-regex',
      '--out',
      out,
      corpus,
    ];
    expect(await runCli(argv, t), t.err()).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(await runCli(['inspect', out], io())).toBe(1); // refused on load without the flag
    expect(await runCli(['inspect', '--allow-unsafe-regex', out], io())).toBe(0);
  });
});
