/**
 * Bad input ends a run with one line naming the file or flag and what to do, exit code 1, and
 * nothing already produced lost (the option checks run before any work: see options.test.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatSpecialTokens, trainTokenizer } from '@llmforge/tokenizer';
import { saveTokenizer } from '@llmforge/tokenizer/node';
import { describe, expect, it } from 'vitest';
import { runDemoCli } from '../src/cli.js';
import { RUN_FORMAT } from '../src/run-dir.js';
import { memoryIO, snapshot, tempDir } from './helpers.js';

async function fails(argv: string[]): Promise<string> {
  const io = memoryIO('hello\n');
  const code = await runDemoCli(argv, io);
  expect(code, io.err()).toBe(1);
  // progress lines may come first (`llmforge-demo all: run directory …`); the error is one line
  const lines = io
    .err()
    .split('\n')
    .filter((l) => l.startsWith('llmforge-demo: '));
  expect(lines, io.err()).toHaveLength(1);
  expect(io.err().endsWith(`${lines[0]}\n`)).toBe(true);
  return lines[0]!;
}

describe('bad input', () => {
  it('an empty corpus names the file', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'empty.txt');
    writeFileSync(corpus, '\n\n  \n');
    const line = await fails(['prepare', '--corpus', corpus, '--run', join(dir, 'run')]);
    expect(line).toContain(corpus);
    expect(line).toContain('expected text to train on, found no text (the corpus is empty)');
    expect(line).toContain('hint: pass --corpus');
  });

  it('a corpus that is not UTF-8 names the file and the paragraph, before any tokenizer is trained', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'latin1.txt');
    writeFileSync(
      corpus,
      Buffer.concat([
        Buffer.from('First paragraph.\n\nCaf'),
        Buffer.from([0xe9]),
        Buffer.from(' au lait.\n'),
      ]),
    );
    const run = join(dir, 'run');
    const line = await fails(['all', '--quick', '--corpus', corpus, '--run', run]);
    expect(line).toBe(
      `llmforge-demo: prepare: ${corpus}: expected a UTF-8 text file, found bytes that are not UTF-8 in paragraph 2 (byte 3 of it; 1 paragraph(s) in all); hint: convert it first, e.g. \`iconv -f latin1 -t utf-8 in.txt > out.txt\``,
    );
    expect(Object.keys(snapshot(run)).filter((f) => !f.startsWith('prepare.partial'))).toEqual(['run.json']);
  });

  it('a corpus path that does not exist names it', async () => {
    const dir = tempDir();
    const line = await fails(['prepare', '--corpus', join(dir, 'nope.txt'), '--run', join(dir, 'run')]);
    expect(line).toContain(join(dir, 'nope.txt'));
    expect(line).toContain('expected an existing file, folder or a glob, found ENOENT');
  });

  it('an unwritable run directory and a run of another version are refused, changing nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    const line = await fails(['prepare', '--run', join(dir, 'file', 'run')]);
    expect(line).toContain('expected a directory the demo can write, found ENOTDIR');

    const old = join(dir, 'old-run');
    mkdirSync(join(old, 'pretrain'), { recursive: true });
    writeFileSync(
      join(old, 'run.json'),
      JSON.stringify({ format: RUN_FORMAT, version: 99, created: 'later' }),
    );
    writeFileSync(join(old, 'pretrain', 'model.safetensors'), 'weights');
    const before = snapshot(old);
    const refused = await fails(['all', '--run', old]);
    expect(refused).toContain(
      `${join(old, 'run.json')}: expected a run of ${RUN_FORMAT} version 1, found ${RUN_FORMAT} version 99`,
    );
    expect(snapshot(old)).toEqual(before);
  });

  it('chat names a missing checkpoint, a corrupt one, and a run without one', async () => {
    const dir = tempDir();
    expect(await fails(['chat', '--checkpoint', join(dir, 'none')])).toContain(
      `${join(dir, 'none')}: expected a checkpoint folder, found no such folder`,
    );

    const ckpt = join(dir, 'ckpt');
    mkdirSync(ckpt);
    const tok = await trainTokenizer(
      { model: 'bpe', vocabSize: 300, specialTokens: chatSpecialTokens() },
      'some words to learn from',
    );
    await saveTokenizer(tok, join(ckpt, 'tokenizer.json'));
    writeFileSync(join(ckpt, 'config.json'), '{ "model_type": "gpt2", ');
    const corrupt = await fails(['chat', '--checkpoint', ckpt]);
    expect(corrupt).toContain(join(ckpt, 'config.json'));
    expect(corrupt).toContain(
      'expected a checkpoint folder (config.json, model.safetensors, tokenizer.json)',
    );

    writeFileSync(join(ckpt, 'tokenizer.json'), '{"truncated": ');
    expect(await fails(['chat', '--checkpoint', ckpt])).toContain(join(ckpt, 'tokenizer.json'));

    const noRun = await fails(['chat', '--run', join(dir, 'no-run')]);
    expect(noRun).toContain('expected a demo run (a folder with run.json), found no such folder');
    expect(noRun).toContain('run `llmforge-demo all` first');
  });
});
